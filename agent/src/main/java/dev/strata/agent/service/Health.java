package dev.strata.agent.service;

/** A service's health as its daemon or server reports it now: {@code ok}, or {@code degraded} with why. */
public record Health(String status, String detail) {
    public static Health ok(String detail) {
        return new Health("ok", detail);
    }

    public static Health degraded(String why) {
        return new Health("degraded", why);
    }

    public boolean isOk() {
        return status.equals("ok");
    }
}
