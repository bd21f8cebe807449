package io.github.chatlog.redact;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one redaction pass of SPEC §8, applied to an entry before any output sees it: the message, every key-value
 * value (whole, when the key names a secret), the exception message (which carries the causes' text too), the source
 * and role, and the session id. A session id that any rule touches is replaced by its keyed pseudonym, in file names
 * too, so a conversation stays one conversation without its id being written. Thread-safe.
 */
public final class EntryRedactor {

    /** Masks nothing. */
    public static final EntryRedactor NONE = new EntryRedactor(RedactionPolicy.NONE, List.of(), () -> null);

    /** Session ids remembered with their output form; past this many the memo starts afresh. */
    private static final int MAX_MEMO = 16_384;

    private final RedactionPolicy policy;
    private final Redactor text;
    private final boolean active;
    private final Supplier<Pseudonyms> pseudonyms;
    private final Map<String, String> sessionIds = new ConcurrentHashMap<>();
    private final Map<String, Boolean> secretKeys = new ConcurrentHashMap<>();

    /**
     * @param policy     the built-in rules that are on
     * @param extra      the user's rules and redactors, applied after the built-in ones, in order
     * @param pseudonyms the keyed pseudonyms, asked for the first time a session id needs one
     */
    public EntryRedactor(RedactionPolicy policy, List<? extends Redactor> extra, Supplier<Pseudonyms> pseudonyms) {
        this.policy = policy;
        List<Redactor> chain = new ArrayList<>();
        if (policy.secrets() || policy.pii()) {
            chain.add(new BuiltInRedactor(policy.secrets(), policy.pii()));
        }
        chain.addAll(extra);
        this.text = chain.isEmpty() ? null : chain.size() == 1 ? chain.get(0) : new Chain(chain);
        this.active = text != null;
        this.pseudonyms = pseudonyms;
    }

    public RedactionPolicy policy() {
        return policy;
    }

    /** Whether anything is masked at all. */
    public boolean active() {
        return active;
    }

    /** The entry with what must not be written masked; the same instance when nothing was. */
    public LogEntry apply(LogEntry e) {
        if (!active) {
            return e;
        }
        String message = text(e.message());
        List<KeyValue> kvs = keyValues(e.keyValues());
        ErrorInfo error = e.error();
        if (error != null && error.message() != null) {
            String m = text(error.message());
            if (m != error.message()) {
                error = new ErrorInfo(error.className(), m);
            }
        }
        String session = e.sessionId() == null ? null : sessionId(e.sessionId());
        String source = text(e.source());
        String role = e.role() == null ? null : text(e.role());
        if (message == e.message() && kvs == e.keyValues() && error == e.error() && session == e.sessionId()
                && source == e.source() && role == e.role()) {
            return e;
        }
        return e.toBuilder().message(message).keyValues(kvs).error(error).sessionId(session).source(source).role(role)
                .build();
    }

    /** A text field with what the rules match masked; the same instance when nothing was. */
    public String text(String s) {
        if (!active || s == null || s.isEmpty()) {
            return s;
        }
        String out = text.redact(s);
        return out.equals(s) ? s : out;
    }

    /** The session id to write: the id itself, or its keyed pseudonym when a rule matched anything in it. */
    public String sessionId(String id) {
        if (!active || id.isEmpty()) {
            return id;
        }
        String known = sessionIds.get(id);
        if (known != null) {
            return known;
        }
        String out = text(id) == id ? id : pseudonyms.get().of(id);
        if (sessionIds.size() >= MAX_MEMO) {
            sessionIds.clear();
        }
        sessionIds.put(id, out);
        return out;
    }

    /** Whether the value of {@code key} is masked whole. */
    public boolean isSecretKey(String key) {
        if (!policy.secrets()) {
            return false;
        }
        Boolean known = secretKeys.get(key);
        if (known == null) {
            known = SecretKeyNames.isSecret(key);
            if (secretKeys.size() < MAX_MEMO) {
                secretKeys.put(key, known);
            }
        }
        return known;
    }

    private List<KeyValue> keyValues(List<KeyValue> kvs) {
        List<KeyValue> out = null;
        for (int i = 0; i < kvs.size(); i++) {
            KeyValue kv = kvs.get(i);
            String v = kv.value();
            String masked = v.isEmpty() ? v : isSecretKey(kv.key()) ? maskedWhole(v) : text(v);
            if (masked != v) {
                if (out == null) {
                    out = new ArrayList<>(kvs);
                }
                out.set(i, new KeyValue(kv.key(), masked));
            }
        }
        return out == null ? kvs : out;
    }

    private static String maskedWhole(String v) {
        String mask = Redactor.mask(SecretRules.SECRET);
        return v.equals(mask) ? v : mask;
    }

    /** Redactors applied one after the other; one that throws masks the whole text rather than let it through. */
    private record Chain(List<Redactor> redactors) implements Redactor {
        @Override
        public String redact(String s) {
            String out = s;
            for (Redactor r : redactors) {
                try {
                    String next = r.redact(out);
                    out = next == null ? out : next;
                } catch (RuntimeException | StackOverflowError e) {
                    return Redactor.mask("redactor_failed");
                }
            }
            return out;
        }
    }
}
