"""Sphinx extension: a reference list labelled the way the text cites.

The chapters cite author–year, "(He et al., 2015)" (``bibtex_reference_style:
author_year``), so the list of references is labelled the same way, "[He et al., 2015]", and
sorted by author and year, instead of pybtex's numbers "[1]". This registers, as pybtex
plugins,

* the label style ``author_year``: "Géron, 2019", "Glorot and Bengio, 2010",
  "He et al., 2015" (a letter is appended when two entries would get the same label);
* the formatting style ``nnbook``: pybtex's ``plain`` with that label style,

and ``_config.yml`` selects it with ``bibtex_default_style: nnbook``.
"""

from __future__ import annotations

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _last_name(person) -> str:
    return Text.from_latex(" ".join(person.prelast_names + person.last_names)).render_as("text")


def author_year_label(entry) -> str:
    """``"Surname, 2015"``, ``"A and B, 2015"`` or ``"A et al., 2015"`` for one pybtex entry."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_last_name(p) for p in people]
    if not names:
        who = Text.from_latex(entry.fields.get("organization", entry.key)).render_as("text")
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabelStyle(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        labels = [author_year_label(entry) for entry in sorted_entries]
        seen: dict[str, int] = {}
        for label in labels:
            if labels.count(label) == 1:
                yield label
            else:
                seen[label] = seen.get(label, 0) + 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]


class NnbookStyle(PlainStyle):
    default_label_style = "author_year"


def _cache_installed_plugins():
    """Register pybtex's installed plugins (entry points) as runtime plugins, once.

    pybtex looks a plugin up by scanning the installed packages' entry points on every call —
    for every rendered citation (``render_as`` asks for the docutils backend each time), about
    200 scans and 3 s a build. A runtime plugin is found first, so each is scanned once here.
    """
    from importlib.metadata import entry_points

    groups = ("pybtex.backends", "pybtex.style.formatting", "pybtex.style.labels", "pybtex.style.names",
              "pybtex.style.sorting", "pybtex.database.input")
    for group in groups:
        for suffix in ("", ".aliases"):
            for ep in entry_points(group=group + suffix):
                # force: pybtex declines to register a name that an entry point already has.
                # An alias ("text" for the plain-text backend) goes into the group itself as well:
                # pybtex tries the group's entry points before its aliases.
                for target in {group + suffix, group}:
                    register_plugin(target, ep.name, ep.load(), force=True)


def setup(app):
    _cache_installed_plugins()
    register_plugin("pybtex.style.labels", "author_year", AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", "nnbook", NnbookStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
