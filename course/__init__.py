"""Instructor tools that read the repository's notebooks (not part of the installed package).

Run through run.py, with the system python3 (standard library only):

    python3 run.py student-copies SRC OUT   # the notebooks without their model answers
    python3 run.py assignments OUT          # the exercises as an nbgrader course folder
"""
