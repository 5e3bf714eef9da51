"""Parses a Prometheus text exposition from stdin with the official Python client's parser
(Debian's python3-prometheus-client) and prints one line per sample:
family<TAB>type<TAB>sample name<TAB>labels as k=v joined by ','<TAB>value.
A text the parser refuses ends with a traceback and exit status 1."""
import sys

from prometheus_client.parser import text_string_to_metric_families

for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        labels = ",".join("%s=%s" % (k, v) for k, v in sorted(sample.labels.items()))
        print("\t".join([family.name, family.type, sample.name, labels, repr(float(sample.value))]))
