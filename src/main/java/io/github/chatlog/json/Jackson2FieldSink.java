package io.github.chatlog.json;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * Fields written to a Jackson 2 generator: logstash-logback-encoder 8.x. Jackson 2 is not a dependency of the plugin
 * (it is {@code provided}); this class is loaded only when an application runs logstash-logback-encoder 8.x, which
 * brings Jackson 2 with it.
 */
public final class Jackson2FieldSink implements JsonFieldSink {

    private final JsonGenerator generator;

    public Jackson2FieldSink(JsonGenerator generator) {
        this.generator = generator;
    }

    @Override
    public void string(String name, String value) throws IOException {
        generator.writeStringField(name, value);
    }

    @Override
    public void number(String name, String number) throws IOException {
        generator.writeFieldName(name);
        generator.writeNumber(number);
    }

    @Override
    public void bool(String name, boolean value) throws IOException {
        generator.writeBooleanField(name, value);
    }
}
