"""The feedback engine behind every exercise: run the student's function safely, judge it.

An exercise is declared as an ``Exercise``: its model answer (``reference``), a function that
draws its test ``Case``s from a seed (each with a description in words, the exact expected
value and a tolerance from the case's conditioning), the shape of what it returns, and its
catalogue of ``Mistake``s, each with its hint. ``check(exercise, student_function, seed)``
then, case by case:

1. calls the function on deep copies of the arguments, with a time limit per call
   (``TIME_LIMIT`` seconds: SIGALRM on POSIX in the main thread, which interrupts a pure-Python
   loop; elsewhere a watching thread, which answers in time but cannot stop the function, so
   it finishes in the background), turning an interrupt (Ctrl-C, the stop button) into a
   message;
2. compares the arguments with untouched copies: a function that changed one is told which;
3. judges the output: None, complex or non-numeric first, then NaN/inf, then shape and type,
   then the values; a wrong output is matched against the mistakes for a hint.

Exceptions are reported with the line of the student's code that raised them, never with
frames of gmm_teach; ``NotImplementedError`` raised by the function's own body (the skeleton's
line) means "not attempted yet". Messages never contain random numbers, so a notebook that
shows them is the same on every run.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import signal
import threading
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Feedback", "Case", "Mistake", "non_finite_on", "Output", "Exercise", "check",
           "cases_of", "TIME_LIMIT", "EPS"]

TIME_LIMIT = 3.0      # seconds per call of the student's function
EPS = np.finfo(float).eps


# ============================================================================ feedback
def _markdown_escape(text: str) -> str:
    """Escape markdown in the text outside `code spans`."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"([\\*_\[\]<>#|])", r"\\\1", parts[i])
    return "`".join(parts)


@dataclass(frozen=True)
class Feedback:
    """The answer of a check: `correct` and one short `message`. Truthy when correct."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        head, _, rest = self.message.partition(":")
        return f"**{head}:**{_markdown_escape(rest)}"


# ============================================================================ declarations
@dataclass(frozen=True)
class Case:
    """One test case: the arguments, what they are in words, the exact answer, its tolerance.

    expected: the exact (high-precision) answer, one array per output part.
    tolerance: the absolute error allowed, entry by entry (arrays shaped like expected),
        derived from the case's conditioning so that every correct route passes.
    data: anything the mistakes need (e.g. a float-computed intermediate).
    """

    description: str
    args: tuple
    expected: tuple
    tolerance: tuple
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """A typical mistake and its hint. Either `variant(case)` computes what the mistake returns
    (compared like the answer), or `test(output, case)` says whether the output shows it."""

    hint: str
    variant: Callable | None = None
    test: Callable | None = None
    early: bool = False      # a test looked at before the answer (a mistake showing as NaN)


def non_finite_on(kind: str) -> Callable:
    """A Mistake test: the output has NaN or inf on the cases of this kind (case.data["kind"]),
    the sign of an underflow or overflow that log space avoids."""
    return lambda values, case: (case.data.get("kind") == kind
                                 and not all(np.all(np.isfinite(v)) for v in values))


@dataclass(frozen=True)
class Output:
    """What the function returns: one array per part, with the parts' names and how to return
    them, e.g. Output(("mean", "variance"), "return mean, variance")."""

    parts: tuple[str, ...]
    statement: str
    kind: str = "array"        # "array": numbers; "iteration": an int or None


@dataclass(frozen=True)
class Exercise:
    """An exercise, declared: see the module docstring."""

    name: str
    reference: Callable
    argument_names: tuple[str, ...]
    cases: Callable                          # cases(rng) -> list[Case]
    output: Output
    mistakes: Sequence[Mistake]
    task: str                                # "write the density of (1.1)"
    correct: str                             # "your function equals (1.1) on ..."
    general_hint: str                        # when no mistake matches
    error_hints: Sequence[tuple[str, str]] = ()
    normalise: Callable | None = None        # normalise(values, case): e.g. eigenvector signs


# ============================================================================ running the function
class _TimeUp(BaseException):
    """Raised in the student's function by the alarm signal."""


_TOO_SLOW = ("Too slow: your function did not return within {limit:g} seconds {where}. The "
             "usual cause is a loop that never ends (a `while` whose condition never becomes "
             "False, a counter that is never increased) or a loop over far more items than "
             "needed; run your function by hand on a small example to find it.")
_INTERRUPTED = ("Interrupted: the check stopped while your function was running {where}. Run "
                "the cell again when you are ready.")


def _call_with_signal(f: Callable, args: tuple, limit: float):
    def alarm(signum, frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limit, 0.25)   # again every 0.25 s, should a bare
    #                                                     `except:` swallow the first alarm
    try:
        return f(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call_in_thread(f: Callable, args: tuple, limit: float):
    result: dict = {}

    def target():
        try:
            result["value"] = f(*args)
        except BaseException as error:  # noqa: BLE001 - handed back to the caller's thread
            result["error"] = error

    worker = threading.Thread(target=target, daemon=True, name="exercise-check")
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        raise _TimeUp
    if "error" in result:
        raise result["error"]
    return result["value"]


def _call(f: Callable, args: tuple, limit: float):
    """f(*args) with a time limit (raises _TimeUp), numpy's warnings silenced."""
    use_signal = (hasattr(signal, "setitimer")
                  and threading.current_thread() is threading.main_thread())
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if use_signal:
            return _call_with_signal(f, args, limit)
        return _call_in_thread(f, args, limit)


# ============================================================================ errors
_FLOAT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?")
_COMMON_ERROR_HINTS = (
    ("can be converted to python scalars",
     "use numpy's functions (`np.exp`, `np.sqrt`, `np.log`), which work elementwise on "
     "arrays; `math.exp` and friends accept only single numbers"),
    ("could not be broadcast", "two arrays have shapes that do not fit together; print the "
     "`.shape` of each intermediate array and compare with the shapes in the docstring"),
    ("matmul", "the shapes in a matrix product `A @ B` do not fit: A's last axis must match "
     "B's first; print the `.shape` of both"),
    ("not aligned", "the shapes in a matrix product do not fit; print the `.shape` of both"),
    ("nonetype", "some variable is None; did a helper function forget its `return`?"),
    ("singular matrix", "`np.linalg.inv` and `solve` cannot invert this covariance; the "
     "Cholesky factor (`np.linalg.cholesky`) works wherever the covariance is positive definite"),
    ("positional argument", "keep the parameters of the skeleton's `def` line: the check "
     "calls your function with exactly those arguments"),
    ("input request", "`input()` cannot ask for text while the check runs; take every value "
     "from the function's arguments"),
)


def _student_line(error: BaseException, code) -> str:
    """' (line 3 of your function: `x = ...`)' for the innermost frame of the student's
    code (a function defined in the notebook, not in gmm_teach), or ''."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [fr for fr in frames if code is not None and fr.filename == code.co_filename]
    if not own:
        return ""
    frame = own[-1]
    line = (frame.line or "").strip()
    if code is not None and frame.lineno is not None:
        number = frame.lineno - code.co_firstlineno + 1
        return f" (line {number} of your function: `{line}`)" if line else ""
    return ""


def _raised_by_own_body(error: BaseException, code) -> bool:
    """True when the innermost frame of the traceback is the student's function itself."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and code is not None and tb.tb_frame.f_code is code


def _error_feedback(error: BaseException, code, where: str, hints) -> Feedback:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = _FLOAT.sub("...", text)
    if len(text) > 160:
        text = text[:157] + "..."
    name = type(error).__name__
    advice = "read the message, then run your function by hand on a small example"
    lowered = f"{name}: {text}".lower()
    for pattern, hint in (*hints, *_COMMON_ERROR_HINTS):
        if pattern in lowered:
            advice = hint
            break
    said = f"{name}: {text}" if text else name
    return Feedback(False, f"Error: your function raised {said} {where}"
                           f"{_student_line(error, code)}. Hint: {advice}.")


# ============================================================================ mutation
def _same(a, b) -> bool:
    """a and b equal in value, NaN equal to NaN (a deep comparison of arguments)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        return a.shape == b.shape and a.dtype == b.dtype and bool(
            np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, list | tuple):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(
            _same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return bool(a == b)


def _deep_copy(value):
    """A deep copy (arrays come back writable, so an in-place change shows afterwards)."""
    return copy.deepcopy(value)


# ============================================================================ judging the output
def _shape_text(shape) -> str:
    return str(tuple(int(n) for n in shape))


def _not_yet(case: Case, text: str) -> Feedback:
    return Feedback(False, f"Not yet, {case.description}: {text}")


def _as_parts(output, exercise: Exercise, case: Case):
    """The output as a tuple of float arrays (one per part), or a Feedback saying why not."""
    spec = exercise.output
    if output is None:
        return _not_yet(case, f"your function returned None. Did you forget "
                              f"`{spec.statement}`?")
    parts = output if len(spec.parts) > 1 else (output,)
    if len(spec.parts) > 1 and (not isinstance(output, tuple | list)
                                or len(output) != len(spec.parts)):
        return _not_yet(case, f"return {len(spec.parts)} things, `{spec.statement}` (a tuple); "
                              f"you returned a {type(output).__name__}.")
    arrays = []
    for name, part in zip(spec.parts, parts, strict=True):
        try:
            raw = np.asarray(part)
        except (TypeError, ValueError):
            raw = np.asarray(None, dtype=object)
        if raw.dtype.kind == "c":
            return _not_yet(case, f"`{name}` is complex. A square root or logarithm of a "
                                  "negative number, or `np.linalg.eig` (use `eigh` for a "
                                  "symmetric matrix), gives complex numbers; the answer is real.")
        if raw.dtype.kind not in "biuf":
            return _not_yet(case, f"`{name}` should be numbers; your function returned a "
                                  f"{type(part).__name__} there. Use `{spec.statement}`.")
        arrays.append(raw.astype(float))
    return tuple(arrays)


def _close(values: tuple, target: tuple, tolerance: tuple, slack: float = 1.0) -> bool:
    for value, goal, tol in zip(values, target, tolerance, strict=True):
        goal = np.asarray(goal, dtype=float)
        if value.shape != goal.shape:
            return False
        with np.errstate(all="ignore"):
            if not np.all(np.abs(value - goal) <= slack * np.asarray(tol)):
                return False
    return True


def _variant_value(mistake: Mistake, case: Case):
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = mistake.variant(case)
        value = value if isinstance(value, tuple) else (value,)
        return tuple(np.asarray(v, dtype=float) for v in value)
    except (ValueError, TypeError, ArithmeticError, np.linalg.LinAlgError):
        return None


def _matches(exercise: Exercise, mistake: Mistake, output, values, case: Case) -> bool:
    if mistake.test is not None:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return bool(mistake.test(output if values is None else values, case))
    if values is None:
        return False
    variant = _variant_value(mistake, case)
    if variant is None:
        return False
    if exercise.normalise is not None:
        variant = exercise.normalise(variant, case)
    # a variant is computed in floating point: allow for its own rounding too
    tolerance = tuple(4 * np.max(t, initial=0.0) + 1e-12 * np.abs(v)
                      for t, v in zip(case.tolerance, variant, strict=True))
    return _close(values, variant, tolerance)


def _judge(output, exercise: Exercise, case: Case) -> Feedback | None:
    """None when the output is right; otherwise the feedback for the first problem."""
    if exercise.output.kind == "iteration":
        return _judge_iteration(output, exercise, case)
    values = _as_parts(output, exercise, case)
    if isinstance(values, Feedback):
        return values
    if exercise.normalise is not None:
        values = exercise.normalise(values, case)
    for mistake in exercise.mistakes:      # mistakes that show as NaN/inf
        if mistake.early and _matches(exercise, mistake, output, values, case):
            return _not_yet(case, mistake.hint)
    for name, value, goal in zip(exercise.output.parts, values, case.expected, strict=True):
        if not np.all(np.isfinite(value)) and np.all(np.isfinite(goal)):
            kind = "NaN" if np.any(np.isnan(value)) else "infinite values"
            return _not_yet(case, f"`{name}` contains {kind}, but every entry of the answer "
                                  f"is a finite number. {exercise.general_hint}")
    if _close(values, case.expected, case.tolerance):
        return None
    for mistake in exercise.mistakes:
        if not mistake.early and _matches(exercise, mistake, output, values, case):
            return _not_yet(case, mistake.hint)
    for name, value, goal in zip(exercise.output.parts, values, case.expected, strict=True):
        goal = np.asarray(goal)
        if value.shape != goal.shape:
            return _not_yet(case, f"`{name}` should have shape {_shape_text(goal.shape)}; "
                                  f"yours has shape {_shape_text(value.shape)}.")
    return _not_yet(case, exercise.general_hint)


def _judge_iteration(output, exercise: Exercise, case: Case) -> Feedback | None:
    if isinstance(output, bool | np.bool_):
        return _not_yet(case, "return the iteration number (an int) or None, not True/False.")
    if output is not None:
        if not isinstance(output, int | np.integer | float | np.floating) or output != int(
                output):
            return _not_yet(case, f"return a whole iteration number (an int) or None, not "
                                  f"{type(output).__name__} {output!r}."[:200])
        output = int(output)
    if output == case.expected[0]:
        return None
    for mistake in exercise.mistakes:
        if mistake.test is not None and mistake.test(output, case):
            return _not_yet(case, mistake.hint)
    return _not_yet(case, exercise.general_hint)


# ============================================================================ the check
_CACHE: dict[tuple[str, int], list[Case]] = {}


def cases_of(exercise: Exercise, seed=None) -> list[Case]:
    """The exercise's cases for this seed (fresh ones for seed=None). The 50-digit answers
    of an integer seed are kept (up to 1000 cases lists), so checking many functions on the
    same seeds stays fast; the student's function gets deep copies anyway."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)
                             or seed < 0):
        raise TypeError(f"seed must be None (fresh cases) or a non-negative int, got "
                        f"{seed!r}.")
    if seed is None:
        return exercise.cases(np.random.default_rng(seed))
    key = (exercise.name, int(seed))
    if key not in _CACHE:
        if len(_CACHE) >= 1000:
            _CACHE.clear()
        _CACHE[key] = exercise.cases(np.random.default_rng(int(seed)))
    return _CACHE[key]


def check(exercise: Exercise, f: Callable, seed=None, time_limit: float = TIME_LIMIT,
          ) -> Feedback:
    """Run f on every case of the exercise; the first problem found, or "Correct"."""
    if not callable(f):
        return Feedback(False, f"Not yet: pass your function itself (its name, without "
                               f"parentheses), not a {type(f).__name__}.")
    try:
        for case in cases_of(exercise, seed):
            feedback = _check_case(exercise, f, case, time_limit)
            if feedback is not None:
                return feedback
    except KeyboardInterrupt:                      # between two calls of the function
        return Feedback(False, "Interrupted: the check stopped before it finished. Run the "
                               "cell again when you are ready.")
    return Feedback(True, f"Correct: {exercise.correct}")


def _check_case(exercise: Exercise, f: Callable, case: Case, time_limit: float,
                ) -> Feedback | None:
    code = getattr(f, "__code__", None)
    where = case.description
    args = tuple(_deep_copy(a) for a in case.args)
    untouched = tuple(_deep_copy(a) for a in case.args)
    try:
        output = _call(f, args, time_limit)
    except _TimeUp:
        return Feedback(False, _TOO_SLOW.format(limit=time_limit, where=where))
    except KeyboardInterrupt:
        return Feedback(False, _INTERRUPTED.format(where=where))
    except NotImplementedError as error:
        if _raised_by_own_body(error, code):
            return Feedback(False, f"Not attempted yet: {exercise.task} Replace the line "
                                   "`raise NotImplementedError(...)` with your code and run "
                                   "the cell again.")
        return _error_feedback(error, code, where, exercise.error_hints)
    except Exception as error:  # noqa: BLE001 - every student error becomes a hint
        return _error_feedback(error, code, where, exercise.error_hints)
    for name, before, after in zip(exercise.argument_names, untouched, args, strict=True):
        if not _same(before, after):
            return Feedback(False, f"Not yet, {where}: your function changed its argument "
                                   f"`{name}` in place (the caller's data!). Work on a copy, "
                                   f"e.g. `{name} = {name}.copy()` or `list(...)`, or build new "
                                   "arrays instead of assigning into it (`+=`, `[...] =`, "
                                   "`.sort()`).")
    return _judge(output, exercise, case)
