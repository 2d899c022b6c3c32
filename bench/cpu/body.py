import json, random, sys
# ~200 KB, ~2,400 items: ints, floats, strings, a small array, booleans, a nested object
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 9)
target = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
items = []
size = 20
i = 0
while size < target:
    it = {"id": 100000 + i, "name": "item-%05d" % i, "value": round(random.uniform(0, 1000), 2),
          "tags": random.sample(["red", "green", "blue", "cyan", "black"], 2), "active": random.random() < 0.5}
    s = json.dumps(it, separators=(",", ":"))
    size += len(s) + 1
    items.append(it)
    i += 1
doc = {"page": 1, "count": len(items), "items": items}
sys.stdout.write(json.dumps(doc, separators=(",", ":")))
