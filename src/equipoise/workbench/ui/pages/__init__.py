"""The workbench's pages (one module a tab; see ``equipoise.workbench.ui``)."""
