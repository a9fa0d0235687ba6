#!/usr/bin/env python3
"""Render the plugin's option reference (conf/skip.opt) into the commented
strongswan.d snippet (conf/skip.conf) and the settings section of the man
page strongswan-skip(5), so that the two never drift from the reference.

usage: render-opt.py conf OPT_FILE              > conf/skip.conf
       render-opt.py man OPT_FILE TEMPLATE      > man/strongswan-skip.5

The .opt format is the one strongSwan documents its settings in:

  full.name.of.option = default     (:= instead of =: set in the snippet,
      short description              not only shown commented out)
                                     (a section: full.name {})
      longer description, paragraphs separated by empty lines

Description lines start with a tab. In descriptions **text** is shown bold
and _text_ italic in the man page; the snippet shows the text plain.
"""

import re
import sys
import textwrap

WIDTH = 80
MARKER = "@SKIP_OPTIONS@"


class Entry:
    def __init__(self, name, op, default, section):
        self.name = name
        self.op = op            # ":=", "=" or None for sections
        self.default = default
        self.section = section
        self.paragraphs = []    # lists of text lines

    @property
    def short(self):
        return " ".join(self.paragraphs[0]) if self.paragraphs else ""


HEADER = re.compile(r"^(?P<name>[^\s=:{]+)\s*"
                    r"(?:(?P<section>\{\s*\})|(?P<op>:?=)\s*(?P<default>.*?))\s*$")


def parse(path):
    entries = []
    blank = False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("\t"):
                if not entries:
                    fail(path, number, "description before any option")
                entry = entries[-1]
                text = line[1:].strip()
                if not text:
                    blank = True
                    continue
                if blank or not entry.paragraphs:
                    entry.paragraphs.append([])
                entry.paragraphs[-1].append(text)
                blank = False
            elif not line.strip():
                blank = True
            else:
                m = HEADER.match(line)
                if not m:
                    fail(path, number, "not an option: %r" % line)
                if any(e.name == m.group("name") for e in entries):
                    fail(path, number, "%s given twice" % m.group("name"))
                entries.append(Entry(m.group("name"), m.group("op"),
                                     m.group("default") or "",
                                     bool(m.group("section"))))
                blank = False
    for e in entries:
        if not e.paragraphs:
            sys.exit("%s: %s has no description" % (path, e.name))
    return entries


def fail(path, number, msg):
    sys.exit("%s:%d: %s" % (path, number, msg))


def plain(text):
    """Markup removed: **bold** and _italic_ as plain text."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return re.sub(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)", r"\1", text)


# --- the strongswan.d snippet ---------------------------------------------

class Node:
    def __init__(self, name):
        self.name = name
        self.entry = None
        self.children = []      # Nodes, in the order of the .opt file

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        c = Node(name)
        self.children.append(c)
        return c

    def active(self):
        """Whether something in here is set (:=), not only shown."""
        if self.entry and self.entry.op == ":=":
            return True
        return any(c.active() for c in self.children)


def tree(entries):
    parts = [e.name.split(".") for e in entries]
    common = parts[0][:-1]
    for p in parts:
        while p[:len(common)] != common or len(p) <= len(common):
            common = common[:-1]
    root = Node(common[-1])
    for e, p in zip(entries, parts):
        node = root
        for name in p[len(common):]:
            node = node.child(name)
        node.entry = e
    return root


def comment(out, prefix, text):
    width = WIDTH - len(prefix) - 2
    for line in textwrap.wrap(plain(text), width, break_on_hyphens=False,
                              break_long_words=False):
        out.append(prefix + "# " + line)


def render_children(out, node, prefix):
    for c in node.children:
        out.append(prefix.rstrip())
        if c.entry:
            comment(out, prefix, c.entry.short)
        if c.children or (c.entry and c.entry.section):
            if "#" in prefix or (c.active() and "<" not in c.name):
                opening, inner, closing = c.name + " {", "    ", "}"
            else:
                # shown as an example: uncommenting it gives a section
                # whose options are still commented out
                opening, inner, closing = "# " + c.name + " {", "#    ", "# }"
            out.append(prefix + opening)
            render_children(out, c, prefix + inner)
            out.append((prefix + inner).rstrip())
            out.append(prefix + closing)
        else:
            e = c.entry
            value = (c.name + " = " + e.default).rstrip()
            out.append(prefix + ("" if e.op == ":=" else "# ") + value)


def render_conf(entries):
    root = tree(entries)
    out = ["# generated from conf/skip.opt by scripts/render-opt.py: "
           "edit that file", "", root.name + " {"]
    render_children(out, root, "    ")
    out.append("")
    out.append("}")
    return "\n".join(out) + "\n"


# --- the man page -----------------------------------------------------------

def roff_escape(text):
    return text.replace("\\", "\\e")


def roff_text(text):
    text = roff_escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", text)
    return re.sub(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)", r"\\fI\1\\fR", text)


def roff_lines(text):
    lines = textwrap.wrap(roff_text(text), 78, break_on_hyphens=False,
                          break_long_words=False)
    return ["\\&" + l if l[:1] in (".", "'") else l for l in lines]


def roff_name(name):
    """The option's name bold, placeholders such as <name> italic."""
    name = roff_escape(name)
    return "\\fB" + re.sub(r"(<[^>]+>)", r"\\fI\1\\fB", name) + "\\fR"


def render_man(entries, template):
    out = []
    for e in entries:
        out.append(".TP")
        head = roff_name(e.name)
        if e.section:
            head += " \\fB{}\\fR"
        elif e.default:
            head += " [" + roff_escape(e.default) + "]"
        out.append(head)
        for i, p in enumerate(e.paragraphs):
            if i:
                out.append(".IP")
            out.extend(roff_lines(" ".join(p)))
    with open(template, encoding="utf-8") as f:
        page = f.read()
    if page.count(MARKER + "\n") != 1:
        sys.exit("%s: needs one line %s" % (template, MARKER))
    return page.replace(MARKER + "\n", "\n".join(out) + "\n")


def main(argv):
    if len(argv) == 3 and argv[1] == "conf":
        sys.stdout.write(render_conf(parse(argv[2])))
    elif len(argv) == 4 and argv[1] == "man":
        sys.stdout.write(render_man(parse(argv[2]), argv[3]))
    else:
        sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv)
