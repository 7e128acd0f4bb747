package io.amlrouter.events;

import java.util.List;

/** A body that cannot be accepted; the whole delivery is rejected and every defect is named. */
public final class EventDecodingException extends Exception {

    private final List<Defect> defects;

    public EventDecodingException(List<Defect> defects) {
        super(defects.stream().map(Defect::toString).reduce((a, b) -> a + "; " + b).orElse("invalid body"), null,
                false, false);
        this.defects = List.copyOf(defects);
    }

    public EventDecodingException(Defect defect) {
        this(List.of(defect));
    }

    public List<Defect> defects() {
        return defects;
    }
}
