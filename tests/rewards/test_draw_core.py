"""Pure draw core: spec test vector, canonical-file strictness, ranking properties."""

import hashlib
import hmac
import uuid
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards import draw_core
from rewards.draw_core import (
    NonCanonicalEntries,
    canonical_entries,
    check_canonical,
    commitment_for,
    draw_result,
    draw_result_of_file,
    entries_digest,
    parse_entries,
    rank_entrants,
)

SEED = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
ENTROPY = "beacon round 4242"
VECTOR_CSV = (
    b"entrant,tickets\n"
    b"0cb1e29c-658c-4a14-95e6-0af593bd04cf,2\n"
    b"1fb17c23-90c1-42cf-93ac-94af0f21ddb6,2\n"
    b"6513270e-269e-4d37-b2a7-4de452e6b438,6\n"
    b"6f03675a-1600-435a-8999-50d836f675cc,4\n"
    b"892f902b-d23f-4824-928b-2f330c5c7fd0,1\n"
    b"8d116ece-1738-47d9-bd9c-172411e20b8f,4\n"
    b"e8e25d94-0ed9-4475-9531-985d5d9dc9f8,5\n"
    b"f29d0da9-953f-48f1-a09f-76b5a170b338,1\n"
)
VECTOR_COMMITMENT = "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
VECTOR_DIGEST = "d82aa07886a83adfea5fbe979ec737965746fd4d46435ef006df464ba0223fee"
VECTOR_RESULT = [
    (1, "6f03675a-1600-435a-8999-50d836f675cc", "winner"),
    (2, "0cb1e29c-658c-4a14-95e6-0af593bd04cf", "winner"),
    (3, "6513270e-269e-4d37-b2a7-4de452e6b438", "winner"),
    (4, "892f902b-d23f-4824-928b-2f330c5c7fd0", "alternate"),
    (5, "e8e25d94-0ed9-4475-9531-985d5d9dc9f8", "alternate"),
]
A = "0cb1e29c-658c-4a14-95e6-0af593bd04cf"
B = "1fb17c23-90c1-42cf-93ac-94af0f21ddb6"


def reference_rank(entries, seed, public_entropy):
    """The spec's ranking written as literally as possible, to cross-check the fast path."""
    key = hmac.new(seed, public_entropy.encode("utf-8"), hashlib.sha256).digest()

    def score(entrant, tickets):
        return min(
            int.from_bytes(hmac.new(key, f"{entrant}:{j}".encode(), hashlib.sha256).digest(), "big")
            for j in range(1, tickets + 1)
        )

    return [e for _, e in sorted((score(e, t), e) for e, t in entries)]


# --- test vector -----------------------------------------------------------------------


def test_vector_commitment_and_digest():
    assert commitment_for(SEED) == VECTOR_COMMITMENT
    assert entries_digest(VECTOR_CSV) == VECTOR_DIGEST


def test_vector_result():
    entries = parse_entries(VECTOR_CSV)
    result = draw_result(entries, seed=SEED, public_entropy=ENTROPY, winners=3, alternates=2)
    assert result == VECTOR_RESULT


def test_vector_full_ranking_matches_reference():
    entries = parse_entries(VECTOR_CSV)
    ranking = rank_entrants(entries, seed=SEED, public_entropy=ENTROPY)
    assert ranking == reference_rank(entries, SEED, ENTROPY)
    assert [e for _, e, _ in VECTOR_RESULT] == ranking[:5]


def test_vector_canonical_entries_rebuilds_exact_bytes():
    entries = parse_entries(VECTOR_CSV)
    assert canonical_entries(reversed(entries)) == VECTOR_CSV
    assert canonical_entries([(uuid.UUID(e), t) for e, t in entries]) == VECTOR_CSV


def test_result_does_not_depend_on_input_order():
    entries = parse_entries(VECTOR_CSV)
    shuffled = entries[::-1]
    assert draw_result(shuffled, seed=SEED, public_entropy=ENTROPY, winners=3, alternates=2) == (
        VECTOR_RESULT
    )


def test_entropy_changes_the_result():
    entries = parse_entries(VECTOR_CSV)
    assert rank_entrants(entries, seed=SEED, public_entropy="") != rank_entrants(
        entries, seed=SEED, public_entropy=ENTROPY
    )


# --- draw_result edges -----------------------------------------------------------------


def test_uuid_objects_and_iterators_rank_like_strings():
    entries = parse_entries(VECTOR_CSV)
    as_uuids = [(uuid.UUID(e), t) for e, t in entries]
    kwargs = {"seed": SEED, "public_entropy": ENTROPY, "winners": 3, "alternates": 2}
    assert draw_result(as_uuids, **kwargs) == VECTOR_RESULT
    assert draw_result(iter(entries[::-1]), **kwargs) == VECTOR_RESULT


def test_many_tickets_match_reference():
    """More tickets than the precomputed suffix table covers."""
    entries = [(A, 200), (B, 65), ("e8e25d94-0ed9-4475-9531-985d5d9dc9f8", 64)]
    assert rank_entrants(entries, seed=SEED, public_entropy=ENTROPY) == reference_rank(
        entries, SEED, ENTROPY
    )


def test_fewer_entrants_than_winners_all_win():
    entries = parse_entries(VECTOR_CSV)[:2]
    result = draw_result(entries, seed=SEED, public_entropy=ENTROPY, winners=3, alternates=2)
    assert [role for _, _, role in result] == ["winner", "winner"]


def test_empty_entries():
    assert parse_entries(b"entrant,tickets\n") == []
    assert canonical_entries([]) == b"entrant,tickets\n"
    assert draw_result([], seed=SEED, public_entropy="", winners=3, alternates=2) == []


@pytest.mark.parametrize("seed", [b"", b"\x00" * 31, b"\x00" * 33, "00" * 32])
def test_seed_must_be_32_bytes(seed):
    with pytest.raises(ValueError, match="seed"):
        draw_result([(A, 1)], seed=seed, public_entropy="", winners=1, alternates=0)
    with pytest.raises(ValueError, match="seed"):
        rank_entrants([(A, 1)], seed=seed, public_entropy="")


@pytest.mark.parametrize(
    "kwargs", [{"winners": -1, "alternates": 0}, {"winners": 1, "alternates": -1}]
)
def test_negative_counts_rejected(kwargs):
    with pytest.raises(ValueError):
        draw_result([(A, 1)], seed=SEED, public_entropy="", **kwargs)


@pytest.mark.parametrize(
    "entries",
    [
        [(A, 1), (A, 2)],
        [(B, 1), (A, 1), (B, 2)],  # unsorted input takes the set-based duplicate check
        [(B, 1), (uuid.UUID(A), 1), (A, 2)],
        [(A, 0)],
        [(A, -1)],
        [(A, True)],
        [(A, "1")],
        [(1, 1)],
    ],
)
def test_ranking_rejects_bad_entries(entries):
    with pytest.raises(ValueError):
        draw_result(entries, seed=SEED, public_entropy="", winners=5, alternates=5)


# --- canonical_entries validation ------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        [(A.upper(), 1)],
        [("{" + A + "}", 1)],
        [(A.replace("-", ""), 1)],
        [(A + " ", 1)],
        [(A, 0)],
        [(A, -3)],
        [(A, True)],
        [(A, 1.0)],
        [(A, "2")],
        [(A, 1), (B, 2), (A, 3)],
    ],
)
def test_canonical_entries_rejects(rows):
    with pytest.raises(ValueError):
        canonical_entries(rows)


# --- parse_entries strictness ----------------------------------------------------------

LINE2 = b"0cb1e29c-658c-4a14-95e6-0af593bd04cf,2\n"
LINE3 = b"1fb17c23-90c1-42cf-93ac-94af0f21ddb6,2\n"
HEADER = b"entrant,tickets\n"


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        pytest.param(b"\xef\xbb\xbf" + VECTOR_CSV, 1, "BOM", id="bom"),
        pytest.param(VECTOR_CSV.replace(b"\n", b"\r\n"), 1, "CR", id="crlf"),
        pytest.param(HEADER + LINE2 + LINE3.replace(b"\n", b"\r\n"), 3, "CR", id="crlf-body"),
        pytest.param(VECTOR_CSV[:-1], 9, "final newline", id="no-final-newline"),
        pytest.param(b"entrant,tickets", 1, "final newline", id="header-no-newline"),
        pytest.param(b"", 1, "header", id="empty-file"),
        pytest.param(b"Entrant,Tickets\n" + LINE2, 1, "header", id="wrong-header-case"),
        pytest.param(b"entrant,ticket\n" + LINE2, 1, "header", id="wrong-header"),
        pytest.param(b"id,tickets\n" + LINE2, 1, "header", id="other-header"),
        pytest.param(HEADER + LINE2.upper().replace(b",2", b",2"), 2, "lowercase", id="upper"),
        pytest.param(HEADER + LINE2.replace(b",2", b",02"), 2, "leading zero", id="lead-zero"),
        pytest.param(HEADER + LINE2.replace(b",2", b",0"), 2, "positive", id="zero"),
        pytest.param(HEADER + LINE2.replace(b",2", b",00"), 2, "positive", id="zeros"),
        pytest.param(HEADER + LINE2.replace(b",2", b",-2"), 2, "decimal", id="negative"),
        pytest.param(HEADER + LINE2.replace(b",2", b",+2"), 2, "decimal", id="plus"),
        pytest.param(HEADER + LINE2.replace(b",2", b",2.0"), 2, "decimal", id="float"),
        pytest.param(HEADER + LINE2.replace(b",2", b",\xd9\xa2"), 2, "decimal", id="arabic-2"),
        pytest.param(HEADER + LINE2.replace(b",2", b","), 2, "decimal", id="no-tickets"),
        pytest.param(HEADER + LINE3 + LINE2, 3, "sorted", id="unsorted"),
        pytest.param(HEADER + LINE2 + LINE2, 3, "duplicate", id="duplicate"),
        pytest.param(HEADER + LINE2.replace(b",", b", "), 2, "whitespace", id="space-after"),
        pytest.param(HEADER + b" " + LINE2, 2, "whitespace", id="leading-space"),
        pytest.param(HEADER + LINE2.replace(b"\n", b" \n"), 2, "whitespace", id="trailing"),
        pytest.param(HEADER + LINE2.replace(b",", b"\t"), 2, "whitespace", id="tab"),
        pytest.param(HEADER + LINE2 + b"\xff\xfe,1\n", 3, "UTF-8", id="non-utf8"),
        pytest.param(HEADER + LINE2 + b"\n", 3, "empty line", id="blank-line"),
        pytest.param(HEADER + LINE2.replace(b",2", b",2,3"), 2, "exactly", id="extra-column"),
        pytest.param(HEADER + LINE2.replace(b"-", b"", 1), 2, "UUID", id="uuid-dashless"),
        pytest.param(HEADER + b"{" + LINE2[:36] + b"},1\n", 2, "UUID", id="uuid-braces"),
        pytest.param(HEADER + LINE2.replace(b"0c", b"0g", 1), 2, "UUID", id="uuid-non-hex"),
        pytest.param(HEADER + LINE2.replace(b",2", b"," + b"9" * 5000), 2, "too large", id="huge"),
    ],
)
@pytest.mark.parametrize("check", [parse_entries, check_canonical])
def test_parse_rejects_non_canonical(check, data, line, words):
    if check is check_canonical and words == "too large":
        return  # canonical text; only too long for int() (a database integer never is)
    with pytest.raises(NonCanonicalEntries) as info:
        check(data)
    message = str(info.value)
    assert message.startswith(f"line {line}: "), message
    assert words.lower() in message.lower(), message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("chunk", [1, 20, 39, 40, 41, 100])
def test_parse_chunk_boundaries(monkeypatch, chunk):
    """Files over 1 MB are decoded in chunks; a boundary inside a line must not matter."""
    monkeypatch.setattr(draw_core, "_CHUNK_BYTES", chunk)
    assert parse_entries(VECTOR_CSV) == [
        (line[:36], int(line[37:])) for line in VECTOR_CSV.decode().splitlines()[1:]
    ]


def test_parse_accepts_large_valid_tickets():
    assert parse_entries(HEADER + LINE2.replace(b",2", b",1000000")) == [(A, 1_000_000)]


# --- properties --------------------------------------------------------------------------

uuids = st.uuids().map(str)
rows_st = st.dictionaries(uuids, st.integers(min_value=1, max_value=6), max_size=40).map(
    lambda d: list(d.items())
)
seeds = st.binary(min_size=32, max_size=32)
entropies = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20)


@given(rows=rows_st)
def test_canonical_entries_round_trips(rows):
    data = canonical_entries(rows)
    assert parse_entries(data) == sorted(rows)
    check_canonical(data)  # accepted: no exception


@settings(max_examples=50)
@given(rows=rows_st, seed=seeds, entropy=entropies)
def test_ranking_is_a_permutation_and_matches_reference(rows, seed, entropy):
    ranking = rank_entrants(rows, seed=seed, public_entropy=entropy)
    assert sorted(ranking) == sorted(e for e, _ in rows)
    assert ranking == reference_rank(rows, seed, entropy)


@given(
    rows=rows_st,
    seed=seeds,
    entropy=entropies,
    winners=st.integers(0, 10),
    alternates=st.integers(0, 10),
)
def test_draw_result_is_prefix_of_ranking(rows, seed, entropy, winners, alternates):
    ranking = rank_entrants(rows, seed=seed, public_entropy=entropy)
    result = draw_result(
        rows, seed=seed, public_entropy=entropy, winners=winners, alternates=alternates
    )
    assert [e for _, e, _ in result] == ranking[: winners + alternates]
    assert [rank for rank, _, _ in result] == list(range(1, len(result) + 1))
    assert all((role == "winner") == (rank <= winners) for rank, _, role in result)


# --- two processes ---------------------------------------------------------------------------


def _random_file(count, seed=7):
    import random

    rng = random.Random(seed)
    return canonical_entries(
        (str(uuid.UUID(int=rng.getrandbits(128), version=4)), rng.randint(1, 6))
        for _ in range(count)
    )


@pytest.fixture
def forced_split(monkeypatch):
    """Any file may use a second process, and every fork is counted."""
    forks = []
    real_fork = draw_core.os.fork

    def fork():
        forks.append(1)
        # Under xdist the test process has execnet's threads (hence the faked count below);
        # the child only parses, hashes and writes to its pipe, taking none of their locks.
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", "This process .* is multi-threaded", DeprecationWarning
            )
            return real_fork()

    monkeypatch.setattr(draw_core, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(draw_core, "_usable_cpus", lambda: 2)
    # The test runner may hold threads of its own; the production check is tested below.
    monkeypatch.setattr(draw_core.threading, "active_count", lambda: 1)
    monkeypatch.setattr(draw_core.os, "fork", fork)
    return forks


def _both(data, **kwargs):
    kwargs = {"seed": SEED, "public_entropy": ENTROPY, **kwargs}
    one = draw_result(parse_entries(data), **kwargs)
    return one, draw_result_of_file(data, parallel=True, **kwargs)


@pytest.mark.parametrize(
    ("count", "winners", "alternates"), [(3000, 300, 300), (3000, 2000, 1500), (2, 1, 1)]
)
def test_two_processes_draw_exactly_what_one_process_draws(
    forced_split, count, winners, alternates
):
    one, two = _both(_random_file(count), winners=winners, alternates=alternates)
    assert forced_split == [1]
    assert two == one
    assert len(two) == min(count, winners + alternates)


def test_two_processes_on_the_spec_vector(forced_split):
    assert _both(VECTOR_CSV, winners=3, alternates=2) == (VECTOR_RESULT, VECTOR_RESULT)
    assert forced_split == [1]


def test_a_failed_child_means_one_process_draws(forced_split, monkeypatch):
    data = _random_file(500)
    expected = draw_result(
        parse_entries(data), seed=SEED, public_entropy=ENTROPY, winners=5, alternates=5
    )

    def broken(*args, **kwargs):
        raise RuntimeError("the child cannot send its result")

    monkeypatch.setattr(draw_core.pickle, "dumps", broken)  # only the child pickles
    result = draw_result_of_file(
        data, seed=SEED, public_entropy=ENTROPY, winners=5, alternates=5, parallel=True
    )
    assert forced_split == [1]
    assert result == expected


def _lines(data):
    return data.splitlines(keepends=True)


@pytest.mark.parametrize(
    ("damage", "line", "words"),
    [
        pytest.param(lambda ls: [*ls[:-1], ls[-1].replace(b",", b",0")], 41, "leading", id="child"),
        pytest.param(lambda ls: [ls[0], ls[1].upper(), *ls[2:]], 2, "lowercase", id="parent"),
        # The split falls after the 21st line of 41, after the 20th of 40: across the halves.
        pytest.param(lambda ls: [*ls[:22], ls[21], *ls[22:]], 23, "duplicate", id="across"),
        pytest.param(lambda ls: [ls[0], *ls[21:], *ls[1:21]], 22, "sorted", id="halves-swapped"),
    ],
)
def test_a_bad_file_raises_the_one_process_error(forced_split, damage, line, words):
    data = b"".join(damage(_lines(_random_file(40))))
    with pytest.raises(NonCanonicalEntries, match=f"^line {line}: .*{words}"):
        draw_result_of_file(
            data, seed=SEED, public_entropy=ENTROPY, winners=1, alternates=0, parallel=True
        )
    assert forced_split == [1]


def test_one_process_when_small_threaded_or_single_core(monkeypatch):
    forks = []
    monkeypatch.setattr(draw_core.os, "fork", lambda: forks.append(1))
    data = _random_file(50)
    kwargs = {"seed": SEED, "public_entropy": ENTROPY, "winners": 3, "alternates": 3}
    expected = draw_result(parse_entries(data), **kwargs)
    assert draw_result_of_file(data, parallel=True, **kwargs) == expected  # small file
    monkeypatch.setattr(draw_core, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(draw_core, "_usable_cpus", lambda: 1)
    assert draw_result_of_file(data, parallel=True, **kwargs) == expected  # one CPU
    monkeypatch.setattr(draw_core, "_usable_cpus", lambda: 2)
    monkeypatch.setattr(draw_core.threading, "active_count", lambda: 2)
    assert draw_result_of_file(data, parallel=True, **kwargs) == expected  # threads
    assert draw_result_of_file(data, parallel=False, **kwargs) == expected
    assert forks == []
    monkeypatch.setattr(draw_core.threading, "active_count", lambda: 1)
    assert draw_core._fork_is_safe()
