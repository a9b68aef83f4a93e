"""The Nanhua West demo: its area tree, departments, accounts and (later) its data.

Everything is generated from fixed seeds, so every demo database is the same and the
tests can quote its codes and names.
"""
