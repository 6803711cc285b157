"""The workflow's final products: the tables and figures of Wang et al. (2019, Tables 1 and 2,
Figs. 2 and 3) and Entjes (2021, Tables 4.1 and 4.2), a storage and a speed table, a fidelity note and
the report page, each built by a rule of ``workflow/rules/products.smk`` from the run's results.

- :mod:`.papers`: what the papers report and how (which sets each table shows, seeds, epochs);
- :mod:`.statistics`: scores per seed, and their mean and std over seeds, per table;
- :mod:`.paired_tests`: the paired significance tests each table carries, and the marks they set;
- :mod:`.storage`: bits and bytes measured on the written codes;
- :mod:`.tables`: tables for people (cells, notes) built from those;
- :mod:`.render`: Markdown, LaTeX and HTML of tables and notes;
- :mod:`.figures`: layout helpers and styles of the figures;
- :mod:`.report`: every table and figure on one HTML page.
"""
