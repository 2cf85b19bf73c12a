package dev.strata.agent.model;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The registry of the parts of a {@link RouterConfig} that the API can read, replace or patch
 * one by one. Each part is a component of the record, found by its JSON name: reading and
 * replacing go through the record's own accessor and canonical constructor, so a new part costs
 * one line here and one component there (it used to cost a ten-argument constructor call per
 * part). The API's part list, OpenAPI and error messages come from {@link #values()}.
 */
public enum ConfigPart {
    INTERFACES("interfaces", Interface.class),
    ROUTES("routes", Route.class),
    POLICY_RULES("policyRules", PolicyRule.class),
    FIREWALL("firewall", FirewallRule.class),
    EGRESS("egress", EgressPolicy.class),
    PORT_FORWARDS("portForwards", PortForward.class),
    STATIC_NATS("staticNats", StaticNat.class),
    SOURCE_NATS("sourceNats", SourceNat.class),
    ACLS("acls", AclTier.class),
    STATIC_ROUTES("staticRoutes", StaticRoute.class),
    INPUT_RULES("inputRules", InputRule.class),
    GUEST_NETWORKS("guestNetworks", GuestNetwork.class),
    DHCP_HOSTS("dhcpHosts", DhcpHost.class),
    VM_DATA("vmData", VmData.class);

    private static final RecordComponent[] COMPONENTS = RouterConfig.class.getRecordComponents();
    private static final Constructor<RouterConfig> CANONICAL;

    static {
        Class<?>[] types = new Class<?>[COMPONENTS.length];
        for (int i = 0; i < COMPONENTS.length; i++) {
            types[i] = COMPONENTS[i].getType();
        }
        try {
            CANONICAL = RouterConfig.class.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
        if (COMPONENTS.length != values().length) {
            throw new ExceptionInInitializerError("RouterConfig has " + COMPONENTS.length + " parts, ConfigPart "
                    + values().length);
        }
    }

    private final String jsonName;
    private final Class<?> itemType;

    ConfigPart(String jsonName, Class<?> itemType) {
        this.jsonName = jsonName;
        this.itemType = itemType;
    }

    public String jsonName() {
        return jsonName;
    }

    public Class<?> itemType() {
        return itemType;
    }

    /** The record component of this part: the enum's order is the record's. */
    private RecordComponent component() {
        RecordComponent c = COMPONENTS[ordinal()];
        if (!c.getName().equals(jsonName)) {
            throw new IllegalStateException("ConfigPart " + name() + " is out of step with RouterConfig." + c.getName());
        }
        return c;
    }

    public List<?> get(RouterConfig config) {
        try {
            return (List<?>) component().getAccessor().invoke(config);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same configuration with this part replaced; the other parts keep their identity (the change detection). */
    public RouterConfig with(RouterConfig config, List<?> items) {
        Object[] args = new Object[COMPONENTS.length];
        for (ConfigPart p : values()) {
            args[p.ordinal()] = p == this ? items : p.get(config);
        }
        try {
            return CANONICAL.newInstance(args);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Optional<ConfigPart> byJsonName(String name) {
        for (ConfigPart p : values()) {
            if (p.jsonName.equals(name) || p.name().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The part names, for error messages. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        for (ConfigPart p : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(p.jsonName);
        }
        return b.toString();
    }
}
