"""dangjian: static-site generator for a community "six-in-one" Party-affairs disclosure board.

Pipeline (one module per stage): load -> validate -> publish -> score -> render -> build.
"""

__version__ = "0.1.0"
