package io.github.chatlog.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.LifeCycle;
import io.github.chatlog.redact.EntryRedactor;
import io.github.chatlog.redact.PatternRule;
import io.github.chatlog.redact.RedactionPolicy;
import io.github.chatlog.redact.Redactor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * The redaction of every chatlog output of a logging context (SPEC §8), declared once in {@code logback.xml}:
 *
 * <pre>{@code
 * <contextListener class="io.github.chatlog.logback.RedactionSettings">
 *   <redact>${CHATLOG_REDACT:-secrets}</redact>                      <!-- secrets | pii | secrets,pii | none -->
 *   <rule><kind>order_id</kind><pattern>ORD-[0-9]{8}</pattern></rule> <!-- any number of rules -->
 *   <redactor class="com.example.MyRedactor"/>                       <!-- any number of Redactor classes -->
 * </contextListener>
 * }</pre>
 *
 * Without it the appenders mask {@code secrets}, or what {@code CHATLOG_REDACT} names. A setting that is not valid is
 * reported as a status error and the stricter {@code secrets,pii} applies: a typo never turns masking off.
 */
public class RedactionSettings extends ContextAwareBase implements LoggerContextListener, LifeCycle {

    private String redact;
    private final List<RedactionRule> rules = new ArrayList<>();
    private final List<Redactor> redactors = new ArrayList<>();
    private String pseudonymKey;
    private String pseudonymKeyFile;
    private boolean started;

    @Override
    public void start() {
        EntryPipeline pipeline = EntryPipeline.of(getContext());
        boolean failed = false;
        RedactionPolicy policy;
        try {
            policy = RedactionPolicy.parse(redact != null ? redact : pipeline.setting(RedactionPolicy.PROPERTY));
        } catch (IllegalArgumentException e) {
            addError("[RedactionSettings] property 'redact': " + e.getMessage());
            policy = new RedactionPolicy(true, true);
            failed = true;
        }
        List<Redactor> extra = new ArrayList<>();
        for (RedactionRule rule : rules) {
            String kind = rule.getKind();
            if (kind == null || !kind.matches("[A-Za-z0-9_]{1,40}")) {
                addError("[RedactionSettings] property 'rule': kind '" + kind + "' must be 1 to 40 of A-Z a-z 0-9 _");
                failed = true;
                continue;
            }
            try {
                extra.add(new PatternRule(rule.getPattern(), kind));
            } catch (PatternSyntaxException | NullPointerException e) {
                addError("[RedactionSettings] property 'rule': pattern of '" + kind + "' is not a regular expression: "
                        + e.getMessage());
                failed = true;
            }
        }
        extra.addAll(redactors);
        if (failed) {
            // fail closed: what could be read still applies, on top of the strictest built-in rules
            policy = new RedactionPolicy(true, true);
        }
        pipeline.configure(new EntryRedactor(policy, extra, pipeline.pseudonyms(pseudonymKey, pseudonymKeyFile)));
        addInfo("chatlog redaction: " + policy + (extra.isEmpty() ? "" : " and " + extra.size() + " rule(s) of the configuration"));
        started = true;
    }

    @Override
    public void stop() {
        started = false;
    }

    @Override
    public boolean isStarted() {
        return started;
    }

    // --- settings ---

    /** {@code secrets} (default), {@code pii}, {@code secrets,pii} or {@code none}; default from {@code CHATLOG_REDACT}. */
    public void setRedact(String redact) {
        this.redact = redact;
    }

    /** Adds a rule: a regular expression and a kind. */
    public void addRule(RedactionRule rule) {
        rules.add(rule);
    }

    /** Adds a {@link Redactor} class of the application's. */
    public void addRedactor(Redactor redactor) {
        redactors.add(redactor);
    }

    /** The pseudonym key as text; default {@code CHATLOG_PSEUDONYM_KEY}, else the key file. */
    public void setPseudonymKey(String pseudonymKey) {
        this.pseudonymKey = pseudonymKey;
    }

    /** Where the pseudonym key is kept when none is given; default {@code ${CHATLOG_DIR}/.pseudonym.key}. */
    public void setPseudonymKeyFile(String pseudonymKeyFile) {
        this.pseudonymKeyFile = pseudonymKeyFile;
    }

    // --- LoggerContextListener: the settings live as long as the configuration that declared them ---

    @Override
    public boolean isResetResistant() {
        return false;
    }

    @Override
    public void onStart(LoggerContext context) {
    }

    @Override
    public void onReset(LoggerContext context) {
    }

    @Override
    public void onStop(LoggerContext context) {
    }

    @Override
    public void onLevelChange(ch.qos.logback.classic.Logger logger, Level level) {
    }
}
