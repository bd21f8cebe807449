package io.github.chatlog.redact;

/**
 * The state of one pass over one text: where the last hit ended (no hit may start before it), the hit a rule found,
 * and a memo of the last token run measured, so rules that look at the same run from several triggers measure it once.
 * Owned by the thread that redacts the text; one per call.
 */
final class Scan {

    CharSequence s;
    int n;
    /** No hit may start before this index: it is already copied or masked. */
    int floor;
    int start;
    int end;
    String kind;
    /** A second hit a rule found right after the first (an AWS secret key after its key id), or -1. */
    int pendingStart = -1;
    int pendingEnd;
    String pendingKind;
    /** The end of the last run of hex digits and colons an IPv6 rule measured. */
    int ipv6RunEnd;
    private int runFrom = -1;
    private int runEnd = -1;

    /** Per thread: the scan state and the chunk buffer, reused from message to message. */
    private static final ThreadLocal<Scan> SCANS = ThreadLocal.withInitial(Scan::new);
    /** The low bytes of a chunk of the text, for the word-at-a-time look for candidates. */
    final byte[] buffer = new byte[BuiltInRedactor.CHUNK + 24];

    private Scan() {
    }

    /** This thread's scan, set up for {@code text}; {@link #done()} lets the text go. */
    static Scan forThread(CharSequence text) {
        return SCANS.get().start(text);
    }

    private Scan start(CharSequence text) {
        this.s = text;
        this.n = text.length();
        this.floor = 0;
        this.pendingStart = -1;
        this.ipv6RunEnd = 0;
        this.runFrom = -1;
        this.runEnd = -1;
        return this;
    }

    /** Forgets the text, so the thread does not keep it alive. */
    void done() {
        s = null;
    }

    /** The character at {@code i}, or NUL outside the text. */
    char at(int i) {
        return i >= 0 && i < n ? s.charAt(i) : '\0';
    }

    boolean hit(int start, int end, String kind) {
        if (start < floor || end <= start) {
            return false;
        }
        this.start = start;
        this.end = end;
        this.kind = kind;
        return true;
    }

    boolean startsWith(int i, String prefix) {
        if (i < 0 || i + prefix.length() > n) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (s.charAt(i + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a word may start at {@code i}: the text starts there, or the character before is not a word character. */
    boolean boundary(int i) {
        return i <= 0 || !Chars.isWord(s.charAt(i - 1));
    }

    /**
     * The end of the run of token characters ({@code [A-Za-z0-9_-]}) that starts at or contains {@code p}, measured once
     * per run: a later call for a position inside the same run answers from the memo.
     */
    int tokenRunEnd(int p) {
        if (p >= runFrom && p < runEnd) {
            return runEnd;
        }
        int e = p;
        while (e < n && Chars.isToken(s.charAt(e))) {
            e++;
        }
        runFrom = p;
        runEnd = e;
        return e;
    }
}
