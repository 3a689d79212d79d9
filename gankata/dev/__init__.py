"""The maintainer's room: ``gankata dev check | sync | new | integrity``.

Nothing a learner or a kata test runs imports from here; these tools read the course, run the
kata tests through the runner and write the generated files.
"""
