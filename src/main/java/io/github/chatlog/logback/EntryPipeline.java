package io.github.chatlog.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.redact.EntryRedactor;
import io.github.chatlog.redact.Pseudonyms;
import io.github.chatlog.redact.PseudonymKeys;
import io.github.chatlog.redact.RedactionPolicy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One entry per event: every chatlog appender of a logging context asks this pipeline for the entry of the event it
 * is given, and the first to ask maps the Logback event and redacts it; the others get that same entry. Logback calls
 * a logger's appenders one after the other on the logging thread, so a one-event memo per thread is all it takes, and
 * the master log, the transcripts, the store and JSON output write the same redacted text.
 *
 * <p>One pipeline per {@link Context}, found with {@link #of(Context)}; its redaction comes from the context's
 * {@link RedactionSettings} when the configuration has one, else from {@code CHATLOG_REDACT} (default
 * {@value RedactionPolicy#DEFAULT}) and the pseudonym key of {@link PseudonymKeys}.
 */
public final class EntryPipeline extends ContextAwareBase {

    /** The key under which a context holds its pipeline. */
    static final String CONTEXT_KEY = "io.github.chatlog.EntryPipeline";
    /** Entries of messages longer than this are not kept in the per-thread memo, so no thread pins a huge one. */
    private static final int MAX_REMEMBERED_CHARS = 256 * 1024;

    private final Map<String, EntryMapper> mappers = new ConcurrentHashMap<>();
    private final ThreadLocal<Memo> memo = ThreadLocal.withInitial(Memo::new);
    private volatile EntryRedactor redactor;

    private EntryPipeline(Context context) {
        setContext(context);
        this.redactor = defaults();
    }

    /** The pipeline of {@code context}, created on first use. */
    public static EntryPipeline of(Context context) {
        synchronized (EntryPipeline.class) {
            Object existing = context.getObject(CONTEXT_KEY);
            if (existing instanceof EntryPipeline p) {
                return p;
            }
            EntryPipeline p = new EntryPipeline(context);
            context.putObject(CONTEXT_KEY, p);
            return p;
        }
    }

    /**
     * The redacted entry of {@code event} as an appender with {@code sessionKey} sees it, or null for an ordinary
     * application event that no chatlog output records.
     */
    public LogEntry entry(ILoggingEvent event, String sessionKey) {
        Memo m = memo.get();
        if (m.event == event && m.sessionKey.equals(sessionKey)) {
            return m.entry;
        }
        EntryMapper mapper = mappers.computeIfAbsent(sessionKey, EntryMapper::new);
        LogEntry entry = mapper.map(event);
        if (entry != null) {
            entry = redactor.apply(entry);
        }
        if (entry == null || entry.message().length() <= MAX_REMEMBERED_CHARS) {
            m.event = event;
            m.sessionKey = sessionKey;
            m.entry = entry;
        } else {
            m.event = null;
            m.entry = null;
        }
        return entry;
    }

    /** The redaction every output of this context shares. */
    public EntryRedactor redactor() {
        return redactor;
    }

    /** Replaces the redaction; called by {@link RedactionSettings} when it starts. */
    void configure(EntryRedactor redactor) {
        this.redactor = redactor;
        memo.remove();
    }

    private EntryRedactor defaults() {
        String value = setting(RedactionPolicy.PROPERTY);
        RedactionPolicy policy;
        try {
            policy = RedactionPolicy.parse(value);
        } catch (IllegalArgumentException e) {
            addError(RedactionPolicy.PROPERTY + ": " + e.getMessage() + "; masking secrets and personal data instead");
            policy = new RedactionPolicy(true, true);
        }
        return new EntryRedactor(policy, List.of(), pseudonyms(null, null));
    }

    /**
     * The pseudonyms of the key given as text, else of {@code CHATLOG_PSEUDONYM_KEY}, else of the key file (default
     * {@code ${CHATLOG_DIR}/.pseudonym.key}); created when first needed. Should the key file be unusable, a key for
     * this process alone is used and the problem reported: pseudonyms then hold until the process ends.
     */
    Supplier<Pseudonyms> pseudonyms(String keyText, String keyFile) {
        return new Supplier<>() {
            private volatile Pseudonyms made;

            @Override
            public Pseudonyms get() {
                Pseudonyms p = made;
                if (p == null) {
                    synchronized (this) {
                        if (made == null) {
                            made = new Pseudonyms(key(keyText, keyFile));
                        }
                        p = made;
                    }
                }
                return p;
            }
        };
    }

    private byte[] key(String keyText, String keyFile) {
        String text = keyText != null && !keyText.isBlank() ? keyText : setting(PseudonymKeys.KEY_PROPERTY);
        if (text != null && !text.isBlank()) {
            return PseudonymKeys.fromText(text);
        }
        Path file = keyFile != null && !keyFile.isBlank() ? Path.of(keyFile)
                : Path.of(MasterLogAppender.chatlogDirectory(getContext()), PseudonymKeys.DEFAULT_KEY_FILE);
        try {
            return PseudonymKeys.fromFile(file);
        } catch (java.io.IOException | RuntimeException e) {
            addError("cannot read or create the pseudonym key file " + file + ": " + e
                    + "; session ids are pseudonymised with a key of this process only", e);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return key;
        }
    }

    /** A setting from the context's properties, the system properties or the environment. */
    String setting(String name) {
        return setting(getContext(), name);
    }

    /** {@code name} from {@code context}'s properties, else the system properties, else the environment; or null. */
    static String setting(ch.qos.logback.core.Context context, String name) {
        String v = context == null ? null : context.getProperty(name);
        if (v == null) {
            v = System.getProperty(name);
        }
        if (v == null) {
            v = System.getenv(name);
        }
        return v;
    }

    /** Per thread: the last event, and its entry. */
    private static final class Memo {
        ILoggingEvent event;
        String sessionKey = "";
        LogEntry entry;
    }
}
