package io.github.chatlog.logback;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %msg} with the context's redaction applied, for pattern layouts such as the console's, so what the chatlog
 * files mask is masked there too:
 *
 * <pre>{@code <conversionRule conversionWord="msg" class="io.github.chatlog.logback.RedactedMessageConverter"/>}</pre>
 */
public class RedactedMessageConverter extends MessageConverter {

    private EntryPipeline pipeline;

    @Override
    public void start() {
        pipeline = EntryPipeline.of(getContext());
        super.start();
    }

    @Override
    public String convert(ILoggingEvent event) {
        return pipeline.redactor().text(super.convert(event));
    }
}
