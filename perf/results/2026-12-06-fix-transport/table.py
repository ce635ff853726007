import json,glob,sys
for d in sys.argv[1:]:
    for f in sorted(glob.glob(d+'/*.json'), key=lambda f:(f.split('-')[-1], f)):
        j=json.load(open(f))
        print(f"{f:28} p50 {j['p50Us']:7.1f} p90 {j['p90Us']:7.1f} p99 {j['p99Us']:8.1f} p99.9 {j['p999Us']:8.1f} max {j['maxUs']:8.1f} achieved {j['achievedRate']:8.0f} lost {j['lost']} failed {j['failed']}")
