package io.github.chatlog.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps the chatlog logger families off an appender, typically the console: events of the listed families are denied,
 * everything else passes on. {@code families} is a comma-separated list of {@code chat}, {@code event}, {@code error};
 * default {@value #DEFAULT_FAMILIES}, so the console keeps ordinary logs and errors.
 *
 * <pre>{@code <filter class="io.github.chatlog.logback.LoggerFamilyFilter"/>}</pre>
 */
public class LoggerFamilyFilter extends Filter<ILoggingEvent> {

    public static final String DEFAULT_FAMILIES = "chat,event";

    private String families = DEFAULT_FAMILIES;
    private final Set<LoggerFamily> denied = EnumSet.noneOf(LoggerFamily.class);

    public void setFamilies(String families) {
        this.families = families;
    }

    @Override
    public void start() {
        denied.clear();
        int errors = 0;
        for (String name : families.split(",")) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            LoggerFamily f = LoggerFamily.of(n);
            if (f == LoggerFamily.OTHER || !f.root().equals(n)) {
                addError("[" + getName() + "] property 'families': unknown family '" + name.trim()
                        + "' (use chat, event, error)");
                errors++;
            } else {
                denied.add(f);
            }
        }
        if (errors == 0) {
            super.start();
        }
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return denied.contains(LoggerFamily.of(event.getLoggerName())) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
