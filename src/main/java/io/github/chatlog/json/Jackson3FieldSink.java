package io.github.chatlog.json;

import tools.jackson.core.JsonGenerator;

/** Fields written to a Jackson 3 generator: logstash-logback-encoder 9.x, and the CLI's {@code --json} output. */
public final class Jackson3FieldSink implements JsonFieldSink {

    private final JsonGenerator generator;

    public Jackson3FieldSink(JsonGenerator generator) {
        this.generator = generator;
    }

    @Override
    public void string(String name, String value) {
        generator.writeStringProperty(name, value);
    }

    @Override
    public void number(String name, String number) {
        generator.writeName(name);
        generator.writeNumber(number);
    }

    @Override
    public void bool(String name, boolean value) {
        generator.writeBooleanProperty(name, value);
    }
}
