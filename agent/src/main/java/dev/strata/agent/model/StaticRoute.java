package dev.strata.agent.model;

/** A VPC static route (CloudStack's static_routes.json): network via gateway, in the main table. */
public record StaticRoute(String network, String gateway) {
}
