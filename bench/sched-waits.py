#!/usr/bin/env python3
"""How long given threads wait for a CPU after being woken or preempted, from a scheduler trace.

Used for the p99 tail at 200 req/s (docs/benchmarks.md#the-p99-tail-at-200-reqs). Needs root,
tracefs and perf (Debian: linux-perf):

    mount -t tracefs nodev /sys/kernel/tracing        # if not mounted
    perf record -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_waking -a -o perf.data -- sleep 9
    perf script -i perf.data -F comm,tid,cpu,time,event,trace > sched.txt
    bench/sched-waits.py sched.txt TID[,TID...]         # e.g. the vert.x-eventloo threads of the JVM

For each sched_waking of one of the threads (or sched_switch away from it while runnable) it finds
the thread's next sched_switch in, and prints the longest waits with what each CPU ran meanwhile
("swapper/N" is the CPU idle).
"""
import collections
import re
import sys

LINE = re.compile(r'^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\S+):\s+(.*)$')
SWITCH = re.compile(r'prev_comm=(.*?) prev_pid=(\d+) .*prev_state=(\S+) ==> next_comm=(.*?) next_pid=(\d+)')


def main(path, tids, top=25):
    pending = {}  # tid -> (time, why)
    waits = []
    ran = collections.defaultdict(list)  # cpu -> [(time switched in, comm)]
    for line in open(path):
        m = LINE.match(line)
        if not m:
            continue
        t, cpu, event, rest = float(m.group(4)), int(m.group(3)), m.group(5), m.group(6)
        if event == 'sched_waking':
            pid = re.search(r'pid=(\d+)', rest)
            if pid and pid.group(1) in tids and pid.group(1) not in pending:
                pending[pid.group(1)] = (t, 'woken')
        elif event == 'sched_switch':
            s = SWITCH.search(rest)
            if not s:
                continue
            prev_pid, prev_state, next_comm, next_pid = s.group(2), s.group(3), s.group(4), s.group(5)
            ran[cpu].append((t, next_comm))
            if prev_pid in tids:
                if prev_state.startswith('R'):
                    pending[prev_pid] = (t, 'preempted')
                else:  # it goes to sleep: a waking seen while it still ran was not a wait
                    pending.pop(prev_pid, None)
            if next_pid in tids and next_pid in pending:
                t0, why = pending.pop(next_pid)
                waits.append((t - t0, why, t0, t, next_pid, cpu))
    waits.sort(reverse=True)
    print(f'waits: {len(waits)}, over 1 ms: {sum(w[0] > 0.001 for w in waits)}, '
          f'over 2 ms: {sum(w[0] > 0.002 for w in waits)}')
    for took, why, t0, t1, tid, cpu in waits[:top]:
        meanwhile = {c: busiest(ran[c], t0, t1) for c in sorted(ran)}
        print(f'{took * 1000:7.2f} ms {why:9s} at {t0:.3f} thread {tid} ran on cpu{cpu}; meanwhile {meanwhile}')


def busiest(switches, t0, t1):
    """What a CPU ran between t0 and t1, longest first, in ms."""
    spent = collections.Counter()
    for i, (start, comm) in enumerate(switches):
        end = switches[i + 1][0] if i + 1 < len(switches) else t1
        overlap = min(end, t1) - max(start, t0)
        if overlap > 0:
            spent[comm] += overlap
    return [(comm, round(s * 1000, 2)) for comm, s in spent.most_common(3)]


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], set(sys.argv[2].split(',')))
