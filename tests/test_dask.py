"""label_partition runs unchanged on a Dask LocalCluster and equals the pandas path."""

from __future__ import annotations

import pandas as pd
import pytest

import kazframe
from kazframe.label import label
from kazframe.stream import label_partition, match_meta

dd = pytest.importorskip("dask.dataframe", reason="dask[dataframe] not installed (pip install kazframe[scale])")
distributed = pytest.importorskip("distributed", reason="distributed not installed (pip install kazframe[scale])")


def test_map_partitions_on_local_cluster_equals_pandas():
    corpus = kazframe.load_corpus()
    expected = label(corpus)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        ddf = dd.from_pandas(corpus, npartitions=3, sort=False)
        got = ddf.map_partitions(label_partition, meta=match_meta()).compute()
    assert ddf.npartitions == 3
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
    assert list(got.columns) == list(match_meta().columns)
