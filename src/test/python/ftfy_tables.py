"""Writes the data tables of Trawl's port of ftfy.fix_text (Ftfy.java) from the installed ftfy.

Run from the repository root with ftfy 6.3.1: python3 src/test/python/ftfy_tables.py
Everything is computed by running ftfy and Python's codecs: the byte tables of ftfy's single-byte
encodings (its "sloppy" variants included), the width and ligature maps, the HTML entities ftfy
unescapes, html.unescape's numeric-reference tables, the character sets of ftfy's UTF-8 detector,
and ftfy's "badness" regex as a list of alternatives, each a sequence of character classes with
repeat counts (parsed from the compiled pattern with Python's own regex parser), so that Java can
match it without a 15,000-character regular expression.
"""
import html
import html.parser  # noqa: F401
import json
import pathlib

import ftfy
import ftfy.bad_codecs  # noqa: F401  registers the sloppy codecs
from ftfy import badness, chardata

try:
    import re._parser as sre_parse
    import re._constants as C
except ImportError:  # Python < 3.11
    import sre_parse
    import sre_constants as C

OUT = pathlib.Path("src/main/resources/io/trawl/rerank/listwise/ftfy-tables.json")
PY_SPACE = [c for c in range(0x110000) if chr(c).isspace()]


def char_class(items):
    """One class: code point ranges, negation, Python's \\s and \\w."""
    out = {"ranges": [], "negate": False, "space": False, "word": False}
    for op, av in items:
        if op == C.NEGATE:
            out["negate"] = True
        elif op == C.LITERAL:
            out["ranges"].append([av, av])
        elif op == C.RANGE:
            out["ranges"].append([av[0], av[1]])
        elif op == C.CATEGORY and av == C.CATEGORY_SPACE:
            out["space"] = True
        elif op == C.CATEGORY and av == C.CATEGORY_WORD:
            out["word"] = True
        else:
            raise ValueError((op, av))
    return out


def token(op, av):
    if op == C.LITERAL:
        return {"class": char_class([(C.LITERAL, av)]), "min": 1, "max": 1}
    if op == C.IN:
        return {"class": char_class(av), "min": 1, "max": 1}
    if op == C.ANY:
        return {"class": char_class([(C.NEGATE, None), (C.LITERAL, 10)]), "min": 1, "max": 1}
    if op == C.MAX_REPEAT:
        lo, hi, sub = av
        assert len(sub) == 1 and hi != C.MAXREPEAT
        t = token(*sub[0])
        t["min"], t["max"] = lo, hi
        return t
    raise ValueError((op, av))


def branches(pattern):
    """The badness regex: a top-level alternation of sequences of classes (and '^')."""
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    assert len(tree) == 1 and tree[0][0] == C.BRANCH
    out = []
    for seq in tree[0][1][1]:
        items = list(seq)
        at_start = bool(items) and items[0] == (C.AT, C.AT_BEGINNING)
        if at_start:
            items = items[1:]
        out.append({"at_start": at_start, "tokens": [token(op, av) for op, av in items]})
    return out


def utf8_detector(pattern):
    """The classes of (?<![strict])([f2][c]|[f3][c]{2}|[f4][c]{3})+ from the parsed pattern."""
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    (op1, (direction, behind)), (op2, (lo, hi, group)) = tree
    assert op1 == C.ASSERT_NOT and direction < 0 and op2 == C.MAX_REPEAT and lo == 1
    (sub_op, sub_av), = group
    branch = sub_av[-1][0][1][1]
    def cls(node):
        return char_class(node[1])
    units = []
    for seq in branch:
        first, rest = seq[0], seq[1]
        if rest[0] == C.MAX_REPEAT:
            count, cont = rest[1][0], rest[1][2][0]
        else:
            count, cont = 1, rest
        units.append({"first": cls(first), "continuation": cls(cont), "count": count})
    return {"not_after": cls(behind[0]), "units": units}


def main():
    # Ftfy.java hard-codes the shape of the UTF-8 detector; make sure it is still this one
    clues = chardata.UTF8_CLUES
    expected = """
    (?<! [{utf8_continuation_strict}])
    (
        [{utf8_first_of_2}] [{utf8_continuation}]
        |
        [{utf8_first_of_3}] [{utf8_continuation}]{{2}}
        |
        [{utf8_first_of_4}] [{utf8_continuation}]{{3}}
    )+
    """.format(**clues)
    assert chardata.UTF8_DETECTOR_RE.pattern == expected, "the UTF-8 detector changed shape"
    encodings = {}
    for enc in chardata.CHARMAP_ENCODINGS:
        table = []
        for b in range(256):
            try:
                table.append(ord(bytes([b]).decode(enc)))
            except UnicodeDecodeError:
                table.append(-1)
        encodings[enc] = table
    windows1252 = []
    for b in range(256):
        try:
            windows1252.append(ord(bytes([b]).decode("windows-1252")))
        except UnicodeDecodeError:
            windows1252.append(-1)
    doc = {
        "ftfy": ftfy.__version__,
        "generator": "src/test/python/ftfy_tables.py",
        "charmap_encodings": chardata.CHARMAP_ENCODINGS,
        "decode_tables": encodings,
        "windows_1252_strict": windows1252,
        "width_map": {str(k): v for k, v in chardata.WIDTH_MAP.items()},
        "ligatures": {str(k): v for k, v in chardata.LIGATURES.items()},
        "control_chars": sorted(chardata.CONTROL_CHARS),
        "html_entities": chardata.HTML_ENTITIES,
        "invalid_charrefs": {str(k): v for k, v in html._invalid_charrefs.items()},
        "invalid_codepoints": sorted(html._invalid_codepoints),
        "badness_branches": branches(badness.BADNESS_RE),
        "utf8_detector": utf8_detector(chardata.UTF8_DETECTOR_RE),
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=True, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
