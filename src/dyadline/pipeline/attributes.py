"""The model's attribute rules as lookup tables (component ``dyadline_attributes``).

The attribute ruler of ``en_core_web_sm`` (tag → part of speech and
morphology, a few word exceptions: "a" is Definite=Ind, "gonna" lemmas) is 179
Matcher patterns run over every token: ~4 ms an article, an eighth of the
model's time. Its patterns are nearly all one token, exact tag and/or exact
lower-case word, so :class:`AttributeTable` compiles them into a table from a
token's (tag, word, is-space, dependency) to the rules that fire on it, filled
as words are seen, and applies the same rules in the same order
(``AttributeRuler.match``: rule number ascending, so a later rule wins).
Patterns of two tokens are checked only where the first token can start one.

The component is built from the model's own ``attribute_ruler`` (which stays
loaded, disabled, and still serves :mod:`.selective`'s re-run after a
parse), so the model's data stays the only source of the rules. A pattern
with an operator or a predicate this module does not know makes
:func:`compile_rules` return None, and the model's ruler is used unchanged.
``tests/test_selective.py`` checks token for token that both give the same
tags, parts of speech, morphology and lemmas.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

KEYS = {"TAG": 0, "LOWER": 1, "IS_SPACE": 2, "DEP": 3}   # where each lives in a token's features
Features = tuple[str, str, bool, str]
Test = Callable[[Features], bool]


def _test(spec: dict[str, Any]) -> Test | None:
    """A token spec ({"TAG": "DT", "LOWER": {"IN": [...]}}) as a predicate on features."""
    checks: list[Callable[[Features], bool]] = []
    for key, value in spec.items():
        if key not in KEYS:
            return None
        k = KEYS[key]
        if isinstance(value, (str, bool)):
            checks.append(lambda f, k=k, v=value: f[k] == v)
        elif isinstance(value, dict) and len(value) == 1:
            (op, arg), = value.items()
            if op == "IN":
                checks.append(lambda f, k=k, s=frozenset(arg): f[k] in s)
            elif op == "NOT_IN":
                checks.append(lambda f, k=k, s=frozenset(arg): f[k] not in s)
            elif op == "REGEX":
                checks.append(lambda f, k=k, r=re.compile(arg): bool(r.search(str(f[k]))))
            else:
                return None
        else:
            return None
    return lambda f: all(c(f) for c in checks)


class AttributeTable:
    """One token rules and two token rules, each (rule number, tests, index, attrs)."""

    def __init__(self, single: list[tuple[int, Test, int, dict]], multi: list[tuple[int, list[Test], int, dict]]):
        self.single = single
        self.multi = multi
        self.firsts = [m[1][0] for m in multi]
        self._cache: dict[Features, tuple[tuple[int, int, dict], ...]] = {}
        self._starts: dict[Features, bool] = {}

    def rules_for(self, f: Features) -> tuple[tuple[int, int, dict], ...]:
        hit = self._cache.get(f)
        if hit is None:
            hit = tuple((n, index, attrs) for n, test, index, attrs in self.single if test(f))
            self._cache[f] = hit
        return hit

    def starts(self, f: Features) -> bool:
        hit = self._starts.get(f)
        if hit is None:
            hit = self._starts[f] = any(t(f) for t in self.firsts)
        return hit

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        rows = doc.to_array([TAG, LOWER, IS_SPACE, DEP]).tolist()
        feats = [(strings[t] if t else "", strings[w], bool(s), strings[d] if d else "") for t, w, s, d in rows]
        found: list[tuple[int, int, dict]] = []
        for i, f in enumerate(feats):
            for n, index, attrs in self.rules_for(f):
                found.append((n, i, attrs))     # one token: index 0 or -1 is the token
            if self.multi and self.starts(f):
                for n, tests, index, attrs in self.multi:
                    end = i + len(tests)
                    if end <= len(feats) and all(t(feats[j]) for j, t in zip(range(i, end), tests)):
                        found.append((n, (i if index >= 0 else end) + index, attrs))
        found.sort(key=lambda m: (m[0], m[1]))
        for _, i, attrs in found:
            set_token_attrs(doc[i], attrs)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def compile_rules(ruler: Any) -> AttributeTable | None:
    """The rules of a spaCy ``AttributeRuler``, or None when one cannot be compiled."""
    single, multi = [], []
    for n, (rule, attrs, index) in enumerate(zip(ruler.patterns, ruler.attrs, ruler.indices)):
        for pattern in rule["patterns"]:
            tests = [_test(spec) for spec in pattern]
            if not tests or any(t is None for t in tests) or not -len(tests) <= index < len(tests):
                return None     # (the model's ruler raises E1001 on such an index)
            if len(tests) == 1:
                single.append((n, tests[0], index, attrs))
            else:
                multi.append((n, tests, index, attrs))
    return AttributeTable(single, multi)  # type: ignore[arg-type]


@Language.factory("dyadline_attributes", default_config={"ruler": "attribute_ruler"})
def make_attributes(nlp: Language, name: str, ruler: str) -> Callable[[Doc], Doc]:
    model_ruler = nlp.get_pipe(ruler)
    return compile_rules(model_ruler) or model_ruler
