"""The course: which katas there are, in what order, and everything said about them.

``course.toml`` orders the katas; ``cards/<kata>.toml`` holds a kata's words (title, source,
summary, hints, picture caption, catalogued mistakes), each in English and Korean side by
side; ``pictures/<kata>.py`` draws its workbook picture; ``words.toml`` holds the runner's
own words. Plain Python only (no torch, no rich): every command reads it first.
"""
