"""The feedback engine (gmm_teach/exercises/engine.py): time limit, interrupts, mutated inputs,
non-finite, complex and odd outputs, exceptions without gmm_teach's frames, and "not attempted"
only for the skeleton's own NotImplementedError."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from gmm_teach import exercises
from gmm_teach.exercises import engine, nb01, nb03, nb06


def never_returns(x, mean, variance):
    while True:
        pass


def test_a_never_returning_function_is_answered_within_the_time_limit():
    start = time.perf_counter()
    feedback = exercises.check_gaussian_pdf(never_returns, seed=0)
    elapsed = time.perf_counter() - start
    assert not feedback.correct
    assert feedback.message.startswith("Too slow: ")
    assert "loop that never ends" in feedback.message
    assert engine.TIME_LIMIT <= elapsed < engine.TIME_LIMIT + 2.0


def test_a_slow_function_is_stopped_at_the_limit_not_told_correct():
    def slow(x, mean, variance):
        time.sleep(30)
        return nb01.gaussian_pdf(x, mean, variance)

    start = time.perf_counter()
    feedback = engine.check(exercises.EXERCISES["gaussian_pdf"], slow, seed=1, time_limit=0.5)
    assert feedback.message.startswith("Too slow: ")
    assert time.perf_counter() - start < 2.5


def test_outside_the_main_thread_a_watching_thread_keeps_the_limit():
    def sleepy(x, mean, variance):
        time.sleep(5)

    result = {}

    def run():
        start = time.perf_counter()
        result["feedback"] = engine.check(exercises.EXERCISES["gaussian_pdf"], sleepy, seed=2,
                                          time_limit=0.5)
        result["elapsed"] = time.perf_counter() - start

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert result["feedback"].message.startswith("Too slow: ")
    assert result["elapsed"] < 2.5


def test_a_kernel_interrupt_becomes_a_message():
    def interrupted(x, mean, variance):
        raise KeyboardInterrupt

    feedback = exercises.check_gaussian_pdf(interrupted, seed=0)
    assert feedback.message.startswith("Interrupted: ")
    assert "gmm_teach" not in feedback.message


def test_a_real_interrupt_signal_stops_a_loop_and_becomes_a_message():
    """As the kernel's stop button does: SIGINT while the student's loop runs."""
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    start = time.perf_counter()
    feedback = exercises.check_gaussian_pdf(never_returns, seed=0)
    timer.join()
    assert feedback.message.startswith("Interrupted: ")
    assert time.perf_counter() - start < engine.TIME_LIMIT


@pytest.mark.parametrize(("function", "argument"), [
    (lambda x, mean, variance: (x.sort(), nb01.gaussian_pdf(x, mean, variance))[1], "x"),
    (lambda X, params: (X.__setitem__(0, 0.0), nb03.e_step(X, params))[1], "X"),
])
def test_a_function_that_changes_its_input_is_told_which(function, argument):
    name = "gaussian_pdf" if argument == "x" else "e_step"
    feedback = getattr(exercises, f"check_{name}")(function, seed=3)
    assert f"changed its argument `{argument}` in place" in feedback.message


def test_a_mutated_list_is_named_not_mistaken_for_off_by_one():
    def inserts(mean_log_likelihoods, tol):
        mean_log_likelihoods.insert(0, -np.inf)
        return nb06.stopping_rule(mean_log_likelihoods[1:], tol)

    def rule_on_lists(mean_log_likelihoods, tol):
        return inserts(list(mean_log_likelihoods), tol)

    feedback = exercises.check_stopping_rule(lambda s, t: inserts(s, t) if isinstance(s, list)
                                             else rule_on_lists(s, t), seed=0)
    assert "changed its argument `mean_log_likelihoods` in place" in feedback.message


@pytest.mark.parametrize(("value", "words"), [(np.nan, "NaN"), (np.inf, "infinite")])
def test_non_finite_output_is_named_before_shape_and_values(value, words):
    feedback = exercises.check_gaussian_pdf(lambda x, m, v: np.full(3, value), seed=0)
    assert f"contains {words}" in feedback.message


def test_complex_output_is_rejected_with_its_own_message():
    feedback = exercises.check_gaussian_pdf(
        lambda x, m, v: nb01.gaussian_pdf(x, m, v) + 0j, seed=0)
    assert "is complex" in feedback.message and not feedback.correct
    feedback = exercises.check_ellipse_axes(
        lambda cov, n: (np.linalg.eigvals(cov).astype(complex), np.eye(len(cov))), seed=0)
    assert "is complex" in feedback.message


@pytest.mark.parametrize("output", [None, "text", {"a": 1}, [[1.0], [1.0, 2.0]], object()])
def test_odd_outputs_get_a_message_not_a_traceback(output):
    for name in exercises.EXERCISE_NAMES:
        feedback = getattr(exercises, f"check_{name}")(lambda *args: output, seed=0)
        assert not feedback.correct
        assert feedback.message.startswith("Not yet"), (name, feedback.message)


def test_an_exception_names_the_students_line_and_no_gmm_teach_frame():
    def broken(x, mean, variance):
        y = x - mean
        return y @ np.ones((7, 7))

    feedback = exercises.check_gaussian_pdf(broken, seed=0)
    assert feedback.message.startswith("Error: your function raised ValueError")
    assert "line 3 of your function: `return y @ np.ones((7, 7))`" in feedback.message
    assert "gmm_teach" not in feedback.message and "File " not in feedback.message


def test_not_attempted_only_for_the_functions_own_notimplementederror():
    def skeleton(x, mean, variance):
        raise NotImplementedError("your code here")

    def helper():
        raise NotImplementedError("input() is not supported here")

    def deeper(x, mean, variance):
        helper()

    assert exercises.check_gaussian_pdf(skeleton).message.startswith("Not attempted yet: ")
    message = exercises.check_gaussian_pdf(deeper).message
    assert message.startswith("Error: your function raised NotImplementedError")


def test_a_non_function_is_refused_with_a_message():
    feedback = exercises.check_gaussian_pdf(nb01.gaussian_pdf(1.0, 0.0, 1.0))
    assert "pass your function itself" in feedback.message


def test_feedback_is_truthy_when_correct_and_shows_as_markdown():
    feedback = exercises.check_gaussian_pdf(nb01.gaussian_pdf, seed=0)
    assert feedback and feedback.correct and str(feedback).startswith("Correct: ")
    assert feedback._repr_markdown_().startswith("**Correct:**")


def test_messages_do_not_depend_on_the_seed():
    def wrong(x, mean, variance):
        return np.exp(-(x - mean) ** 2 / (2 * variance))

    messages = {exercises.check_gaussian_pdf(wrong, seed=s).message for s in range(5)}
    assert len(messages) == 1


def test_reference_solution_and_names():
    assert len(exercises.EXERCISE_NAMES) == 12       # two for each core notebook 01-06
    for name in exercises.EXERCISE_NAMES:
        assert exercises.solution(name).startswith(f"def {name}(")
        assert exercises.check(exercises.EXERCISES[name], exercises.reference(name), 0)
    with pytest.raises(ValueError, match="unknown exercise 'nope'"):
        exercises.reference("nope")


def _spoiled(name, change):
    """The model answer with `change` applied to its first (array) output."""
    def function(*args):
        output = exercises.reference(name)(*args)
        if isinstance(output, tuple):
            return (change(np.asarray(output[0], dtype=float)), *output[1:])
        return change(np.asarray(output, dtype=float))
    return function


NUMERIC = [n for n in exercises.EXERCISE_NAMES if n != "stopping_rule"]


@pytest.mark.parametrize("name", NUMERIC)
def test_every_exercise_names_nan_and_rejects_complex(name):
    check = getattr(exercises, f"check_{name}")
    nan = check(_spoiled(name, lambda a: a * np.nan), seed=4).message
    assert "contains NaN" in nan, nan
    complex_ = check(_spoiled(name, lambda a: a + 1e-3j), seed=4).message
    assert "is complex" in complex_, complex_
    assert check(_spoiled(name, lambda a: a), seed=4).correct


@pytest.mark.parametrize("output", [3.5, 2 + 0j, "3", True, [3]])
def test_the_stopping_rule_wants_an_int_or_none(output):
    message = exercises.check_stopping_rule(lambda s, t: output, seed=0).message
    assert message.startswith("Not yet") and "iteration number" in message


def test_a_loop_that_swallows_the_first_alarm_is_still_stopped():
    def stubborn(x, mean, variance):
        try:
            while True:
                pass
        except BaseException:                   # a bare `except:` around the loop
            pass
        while True:
            pass

    start = time.perf_counter()
    feedback = engine.check(exercises.EXERCISES["gaussian_pdf"], stubborn, seed=0,
                            time_limit=0.5)
    assert feedback.message.startswith("Too slow: ")
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(("function", "advice"), [
    (lambda x, mean: x, "keep the parameters of the skeleton"),
    (lambda x, mean, variance: int(input("variance? ")), "`input()` cannot ask"),
])
def test_common_errors_get_their_advice(function, advice, monkeypatch):
    def no_stdin(prompt=""):
        raise NotImplementedError("raw_input was called, but this frontend does not support "
                                  "input requests.")

    monkeypatch.setattr("builtins.input", no_stdin)
    message = exercises.check_gaussian_pdf(function, seed=0).message
    assert message.startswith("Error: ") and advice in message, message


@pytest.mark.parametrize("seed", ["abc", -1, 1.5, True])
def test_a_bad_seed_is_a_type_error_naming_it(seed):
    with pytest.raises(TypeError, match="seed must be None"):
        exercises.check_gaussian_pdf(nb01.gaussian_pdf, seed=seed)
