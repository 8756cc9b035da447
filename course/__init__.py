"""Instructor tools that read the repository's notebooks (not part of the installed package).

Run through run.py, with the system python3 (standard library only):

    python3 run.py student-copies SRC OUT   # the notebooks without their model answers
    python3 run.py assignments OUT          # the exercises as an nbgrader course folder

and, in .venv's Python after run.py installed the lab extra (Voila, nbconvert, MathJax):

    python3 run.py present NOTEBOOK         # the notebook without its code (course/present.py)
    python3 run.py handout NOTEBOOK|all OUT # offline HTML and PDF (course/handout.py)
"""
