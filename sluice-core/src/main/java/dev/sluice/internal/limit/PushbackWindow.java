package dev.sluice.internal.limit;

/**
 * Judges what a host's pushbacks (429, 503) mean, from its last {@value #SIZE} answers: a host that pushes
 * back on most of them (at least {@value #AT_LEAST} pushbacks, and more than half) is out of quota or
 * overloaded, and is held back as a whole; a host that pushes back on a few URLs while answering the
 * rest is not, and only those URLs wait.
 *
 * <p>Why a count of answers and not of time: the judgement should see one round of the host's requests or
 * a little less, whatever its pace; at 8 in flight, 20 answers are between two and three rounds. Why at least
 * {@value #AT_LEAST}: the first answers of a host are few, and a couple of pushbacks among them are not a
 * quota. (A host pushing back on one request in seven shows 5 in its first 9 answers about once in 220 runs,
 * and more than half of any 20 in a row about once in 40,000 windows.)
 *
 * <p>Not thread-safe: the {@link Scheduler} calls it under its lock.
 */
final class PushbackWindow {
    static final int SIZE = 20;
    static final int AT_LEAST = 5;

    /** The last answers, oldest first from {@code next}: true for a pushback. */
    private final boolean[] answers = new boolean[SIZE];
    private int next;
    private int count;
    private int pushbacks;

    /** Counts an answer; a pushback when {@code pushedBack}. */
    void record(boolean pushedBack) {
        if (count == SIZE) {
            if (answers[next]) {
                pushbacks--;
            }
        } else {
            count++;
        }
        answers[next] = pushedBack;
        if (pushedBack) {
            pushbacks++;
        }
        next = (next + 1) % SIZE;
    }

    /** Whether the host pushes back on most of its recent requests: it is to be held back as a whole. */
    boolean mostlyPushingBack() {
        return pushbacks >= AT_LEAST && 2 * pushbacks > count;
    }

    int pushbacks() {
        return pushbacks;
    }

    int answers() {
        return count;
    }
}
