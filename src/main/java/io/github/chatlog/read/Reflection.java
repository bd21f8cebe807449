package io.github.chatlog.read;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.LogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A look back over recent entries: answers the model was unsure of (confidence below 0.5), errors, recurring topics
 * (words of more than 3 letters, not in {@link #STOPWORDS}, that users mentioned 3 times or more) and a few
 * plain-language insights.
 */
public final class Reflection {

    public static final int MIN_MENTIONS = 3;

    /** Common English words of more than 3 letters that say nothing about a topic. */
    public static final java.util.Set<String> STOPWORDS = java.util.Set.of("about", "above", "after", "again",
            "against", "also", "been", "before", "being", "below", "between", "both", "but", "could", "does", "doing",
            "down", "during", "each", "even", "every", "from", "further", "have", "having", "here", "hers", "herself",
            "himself", "into", "itself", "just", "like", "make", "many", "more", "most", "much", "myself", "need",
            "only", "other", "ought", "ours", "ourselves", "over", "please", "same", "should", "some", "such", "than",
            "thank", "thanks", "that", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
            "this", "those", "through", "under", "until", "very", "want", "were", "what", "when", "where", "which",
            "while", "will", "with", "would", "your", "yours", "yourself", "yourselves", "tell", "know", "give",
            "doesn", "don't", "isn't", "can't", "cannot", "still", "well", "okay");

    public final List<LogEntry> lowConfidence = new ArrayList<>();
    public final List<LogEntry> errors = new ArrayList<>();
    public final Map<String, Integer> topics;
    public final List<String> insights = new ArrayList<>();
    public final int entries;

    /** @param recent the entries to look at, oldest first */
    public Reflection(List<LogEntry> recent) {
        this.entries = recent.size();
        Map<String, Integer> words = new TreeMap<>();
        int answers = 0;
        for (LogEntry e : recent) {
            String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
            double confidence = ChatKeys.number(e.value(ChatKeys.CONFIDENCE));
            if ("assistant".equals(e.role()) && ChatKeys.TYPE_MESSAGE.equals(type)) {
                answers++;
                if (!Double.isNaN(confidence) && confidence < ChatStats.LOW_CONFIDENCE) {
                    lowConfidence.add(e);
                }
            }
            if (ChatKeys.TYPE_ERROR.equals(type)) {
                errors.add(e);
            }
            if ("user".equals(e.role()) && ChatKeys.TYPE_MESSAGE.equals(type)) {
                for (String w : e.message().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                    if (w.length() > 3 && !STOPWORDS.contains(w)) {
                        words.merge(w, 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Integer> recurring = new TreeMap<>();
        words.forEach((w, n) -> {
            if (n >= MIN_MENTIONS) {
                recurring.put(w, n);
            }
        });
        this.topics = recurring;
        if (answers > 0 && !lowConfidence.isEmpty()) {
            insights.add(String.format(Locale.ROOT, "%d of %d answers (%.0f%%) were low-confidence: review them first.",
                    lowConfidence.size(), answers, 100.0 * lowConfidence.size() / answers));
        }
        if (!errors.isEmpty()) {
            insights.add(errors.size() + " error(s) in " + entries + " entries.");
        }
        if (!recurring.isEmpty()) {
            String top = recurring.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).findFirst()
                    .map(Map.Entry::getKey).orElse("");
            insights.add("Users keep coming back to '" + top + "'.");
        }
    }

    public boolean isEmpty() {
        return entries == 0;
    }
}
