package dev.tally.budget;

import com.fasterxml.jackson.annotation.JsonValue;

import dev.tally.platform.time.CalendarUnit;

/** A budget's calendar period in the organisation's zone; a week starts on Monday. */
public enum Period {
    DAY(CalendarUnit.DAY),
    WEEK(CalendarUnit.WEEK),
    MONTH(CalendarUnit.MONTH),
    QUARTER(CalendarUnit.QUARTER);

    public final CalendarUnit unit;

    Period(CalendarUnit unit) {
        this.unit = unit;
    }

    @JsonValue
    public String json() {
        return JsonNames.of(this);
    }

    static Period parse(String s) {
        return JsonNames.parse(values(), s);
    }
}
