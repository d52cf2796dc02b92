"""Checks an inception-bench --trace file against the model's DSL: Chrome
trace JSON with complete events, each named after a layer of the model
(its path: a top-level name, then the names inside blocks) and
categorized by the back half that computes it, in time order without
overlap."""
import json
import re
import sys

trace = json.load(open(sys.argv[1]))
source = open(sys.argv[2]).read()
# Layer names: the DSL's `name = op(...)` and `output name = op(...)`.
names = set(re.findall(r"^\s*(?:output\s+)?([A-Za-z_][\w.]*)\s*=", source, re.M))
events = trace["traceEvents"]
assert events, "no events"
end = 0.0
for event in events:
    assert event["ph"] == "X" and event["cat"] in ("cpu", "halide", "gpu"), event
    assert event["dur"] >= 0 and event["ts"] >= end - 1e-3, (event, end)
    top = event["name"].split(".")[0]
    assert top in names, "not a layer of the model: " + event["name"]
    end = event["ts"] + event["dur"]
layers = {event["name"] for event in events}
backends = sorted({(event["name"], event["cat"]) for event in events})
counts = {cat: sum(1 for _, c in backends if c == cat) for _, cat in backends}
print("trace ok: %d events, %d layers, first %s, last %s; %s"
      % (len(events), len(layers), events[0]["name"], events[-1]["name"],
         ", ".join("%s %d" % item for item in sorted(counts.items()))))
