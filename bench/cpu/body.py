"""Writes a JSON body of about BYTES bytes to stdout: {"page":1,"count":N,"items":[...]}.
Usage: body.py BYTES [SHAPE]. SHAPE 'floats' (default): items {id, name, value (a float, 2 decimals), tags, active};
'ints': the shape of the neutral origin's big document ({k, name, value (an int), flag, unit, tags}), deterministic."""
import json
import random
import sys

target = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
shape = sys.argv[2] if len(sys.argv) > 2 else "floats"
random.seed(9)
items = []
size = 40
while size < target:
    i = len(items)
    if shape == "ints":
        it = {"k": i, "name": "item-%05d" % i, "value": (i * 104729) % 100000, "flag": i % 3 == 0, "unit": "kg",
              "tags": ["x", "y"]}
    else:
        it = {"id": 100000 + i, "name": "item-%05d" % i, "value": round(random.uniform(0, 1000), 2),
              "tags": random.sample(["red", "green", "blue", "cyan", "black"], 2), "active": random.random() < 0.5}
    size += len(json.dumps(it, separators=(",", ":"))) + 1
    items.append(it)
sys.stdout.write(json.dumps({"page": 1, "count": len(items), "items": items}, separators=(",", ":")))
