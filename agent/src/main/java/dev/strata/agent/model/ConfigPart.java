package dev.strata.agent.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The parts of a {@link RouterConfig} that the API can read, replace or patch one by one. */
public enum ConfigPart {
    INTERFACES("interfaces", Interface.class, RouterConfig::interfaces,
            (c, l) -> new RouterConfig(cast(l), c.routes(), c.policyRules(), c.firewall(), c.egress(), c.portForwards(),
                    c.staticNats(), c.sourceNats(), c.acls(), c.staticRoutes())),
    ROUTES("routes", Route.class, RouterConfig::routes,
            (c, l) -> new RouterConfig(c.interfaces(), cast(l), c.policyRules(), c.firewall(), c.egress(), c.portForwards(),
                    c.staticNats(), c.sourceNats(), c.acls(), c.staticRoutes())),
    POLICY_RULES("policyRules", PolicyRule.class, RouterConfig::policyRules,
            (c, l) -> new RouterConfig(c.interfaces(), c.routes(), cast(l), c.firewall(), c.egress(), c.portForwards(),
                    c.staticNats(), c.sourceNats(), c.acls(), c.staticRoutes())),
    FIREWALL("firewall", FirewallRule.class, RouterConfig::firewall,
            (c, l) -> new RouterConfig(c.interfaces(), c.routes(), c.policyRules(), cast(l), c.egress(), c.portForwards(),
                    c.staticNats(), c.sourceNats(), c.acls(), c.staticRoutes())),
    EGRESS("egress", EgressPolicy.class, RouterConfig::egress,
            (c, l) -> new RouterConfig(c.interfaces(), c.routes(), c.policyRules(), c.firewall(), cast(l), c.portForwards(),
                    c.staticNats(), c.sourceNats(), c.acls(), c.staticRoutes())),
    PORT_FORWARDS("portForwards", PortForward.class, RouterConfig::portForwards,
            (c, l) -> new RouterConfig(c.interfaces(), c.routes(), c.policyRules(), c.firewall(), c.egress(), cast(l),
                    c.staticNats(), c.sourceNats(), c.acls(), c.staticRoutes())),
    STATIC_NATS("staticNats", StaticNat.class, RouterConfig::staticNats,
            (c, l) -> new RouterConfig(c.interfaces(), c.routes(), c.policyRules(), c.firewall(), c.egress(), c.portForwards(),
                    cast(l), c.sourceNats(), c.acls(), c.staticRoutes())),
    SOURCE_NATS("sourceNats", SourceNat.class, RouterConfig::sourceNats,
            (c, l) -> new RouterConfig(c.interfaces(), c.routes(), c.policyRules(), c.firewall(), c.egress(), c.portForwards(),
                    c.staticNats(), cast(l), c.acls(), c.staticRoutes())),
    ACLS("acls", AclTier.class, RouterConfig::acls,
            (c, l) -> new RouterConfig(c.interfaces(), c.routes(), c.policyRules(), c.firewall(), c.egress(), c.portForwards(),
                    c.staticNats(), c.sourceNats(), cast(l), c.staticRoutes())),
    STATIC_ROUTES("staticRoutes", StaticRoute.class, RouterConfig::staticRoutes,
            (c, l) -> new RouterConfig(c.interfaces(), c.routes(), c.policyRules(), c.firewall(), c.egress(), c.portForwards(),
                    c.staticNats(), c.sourceNats(), c.acls(), cast(l)));

    private final String jsonName;
    private final Class<?> itemType;
    private final Function<RouterConfig, List<?>> getter;
    private final BiFunction<RouterConfig, List<?>, RouterConfig> setter;

    ConfigPart(String jsonName, Class<?> itemType, Function<RouterConfig, List<?>> getter,
               BiFunction<RouterConfig, List<?>, RouterConfig> setter) {
        this.jsonName = jsonName;
        this.itemType = itemType;
        this.getter = getter;
        this.setter = setter;
    }

    public String jsonName() {
        return jsonName;
    }

    public Class<?> itemType() {
        return itemType;
    }

    public List<?> get(RouterConfig config) {
        return getter.apply(config);
    }

    public RouterConfig with(RouterConfig config, List<?> items) {
        return setter.apply(config, items);
    }

    public static Optional<ConfigPart> byJsonName(String name) {
        for (ConfigPart p : values()) {
            if (p.jsonName.equals(name) || p.name().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(List<?> list) {
        return (List<T>) list;
    }
}
