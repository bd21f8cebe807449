package io.github.chatlog.privacy;

import io.github.chatlog.redact.Redactor;

/** A user's own Redactor for the configuration test: masks runs of the word "classified". */
public class UpperCaseDigitsRedactor implements Redactor {

    @Override
    public String redact(String text) {
        return text.contains("classified") ? text.replace("classified", Redactor.mask("custom")) : text;
    }
}
