"""Reads a weight schema (engine/sam3/*.schema.json): every state-dict key with its shape, for
given sizes. The C++ loader reads the same file (engine/sam3/WeightSchema.cpp); any Python
(Debian's /usr/bin/python3 for the fixture bundle, or the reference venv), standard library only."""
import json
import re


def evaluate(expression, values):
    """+ and - of products; * and / left to right within a product; integers and variables."""
    total = 0
    for sign, term in re.findall(r"([+-]?)\s*([^+-]+)", expression.replace(" ", "")):
        parts = re.split(r"([*/])", term)
        value = _atom(parts[0], values)
        for op, atom in zip(parts[1::2], parts[2::2]):
            value = value * _atom(atom, values) if op == "*" else value // _atom(atom, values)
        total += -value if sign == "-" else value
    return total


def _atom(text, values):
    if text.isdigit():
        return int(text)
    if text not in values:
        raise KeyError("weight schema: unknown size '%s'" % text)
    return values[text]


def shapes(schema_path, **sizes):
    """{key: [dims]} of the schema for the given variables (every one must be given)."""
    with open(schema_path) as f:
        schema = json.load(f)
    missing = set(schema["variables"]) - set(sizes)
    if missing:
        raise KeyError("weight schema: sizes not given: %s" % ", ".join(sorted(missing)))
    values = dict(sizes)
    for name, expression in schema["derived"].items():
        values[name] = evaluate(expression, values)
    out = {}
    for entry in schema["entries"]:
        repeat = entry[-1] if isinstance(entry[-1], dict) else {}
        args = entry[2:-1] if repeat else entry[2:]
        bound = evaluate(repeat["i"], values) if repeat else 1
        for i in range(bound):
            _expand(entry[0], entry[1].replace("{i}", str(i)), args, values, out)
    return out


def _expand(kind, name, args, values, out):
    e = lambda x: evaluate(x, values)  # noqa: E731
    c = values.get("c")
    if kind == "tensor":
        out[name] = [e(d) for d in args[0]]
    elif kind == "linear":
        out[name + ".weight"], out[name + ".bias"] = [e(args[0]), e(args[1])], [e(args[0])]
    elif kind == "norm":
        out[name + ".weight"], out[name + ".bias"] = [e(args[0])], [e(args[0])]
    elif kind == "mlp":
        hidden, last = e(args[0]), e(args[1])
        for layer, (o, i) in enumerate([(hidden, c), (hidden, hidden), (last, hidden)]):
            out["%s.layers.%d.weight" % (name, layer)], out["%s.layers.%d.bias" % (name, layer)] = [o, i], [o]
    elif kind == "attention":
        inner = e(args[0])
        for proj in ("q_proj", "k_proj", "v_proj"):
            out[name + "." + proj + ".weight"], out[name + "." + proj + ".bias"] = [inner, c], [inner]
        out[name + ".out_proj.weight"], out[name + ".out_proj.bias"] = [c, inner], [c]
    else:
        raise ValueError("weight schema: unknown kind '%s'" % kind)
