"""CPython's CPU stage on one body, one core: json.loads + the projection of
{n: (.items|length), sum: ([.items[].value]|add)} + json.dumps of the record + hashlib.sha256.
Usage: stage.py BODY SECONDS. Prints 'python VERSION ms_per_body MB/s record' (best batch of 20)."""
import hashlib, json, sys, time

body = open(sys.argv[1], 'rb').read()
seconds = float(sys.argv[2])


def stage(b):
    d = json.loads(b)
    items = d["items"]
    acc = None  # jq's add: null + x = x, then +
    for i in items:
        v = i["value"]
        acc = v if acc is None else acc + v
    record = json.dumps({"n": len(items), "sum": acc}, separators=(",", ":"))
    return hashlib.sha256(b).hexdigest(), record


for _ in range(50):
    stage(body)
best = float("inf")
end = time.perf_counter() + seconds
while time.perf_counter() < end:
    t = time.perf_counter()
    for _ in range(20):
        stage(body)
    best = min(best, (time.perf_counter() - t) / 20)
print("python %s %.4f %.1f %s" % (sys.version.split()[0], best * 1e3, len(body) / 1e6 / best, stage(body)[1]))
