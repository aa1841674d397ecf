"""Reference points for the parse benchmark: Python's json and orjson on the same bytes."""
import json
import statistics
import sys
import time

body = open(sys.argv[1], "rb").read()
results = {}
parsers = {"python_json": json.loads}
try:
    import orjson
    parsers["orjson"] = orjson.loads
except ImportError:
    pass

for name, loads in parsers.items():
    for _ in range(5):
        loads(body)
    runs = []
    for _ in range(31):
        start = time.perf_counter()
        for _ in range(5):
            rows = loads(body)["candles"]
        runs.append((time.perf_counter() - start) / 5)
    median = statistics.median(runs)
    results[name] = {"median_ms": round(median * 1000, 3), "mb_per_s": round(len(body) / median / 1e6, 1), "rows_per_s": round(len(rows) / median)}

print(json.dumps({"benchmark": "parse-python", "bytes": len(body), **results}))
