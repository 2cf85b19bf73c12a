package dev.strata.agent.cloudstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.agent.Json;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.model.Validator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A VPC router in the shapes of CloudStack's own test data (systemvm/debian/opt/cloud/testdata:
 * ips with first_i_p / vif_mac_address / nic_dev_id, a guest network on a later NIC, an ACL keyed
 * by device, a site-to-site VPN, a password): control on eth0, public plugged as eth1, a tier on
 * eth2. The tier gets its ACL, source NAT and the forward opens the public side (no firewall
 * bag in a VPC).
 */
class VpcRouterTest {

    private final Bags b = Bags.empty(new Nics(Path.of("/nonexistent")));

    private void merge(String json) throws Exception {
        b.merge("test.json", Json.shared().readTree(json.replace('\'', '"')));
    }

    @Test
    void vpcTierAclForwardAndStaticNat() throws Exception {
        merge("{'type':'cmdline','cmd_line':{'type':'vpcrouter','eth0ip':'169.254.1.9','eth0mask':'255.255.0.0','name':'r-7-VM','vpccidr':'10.0.0.0/16'}}");
        merge("{'type':'ips','ip_address':[{'public_ip':'198.18.0.10','source_nat':true,'add':true,'one_to_one_nat':false,'first_i_p':true,"
                + "'gateway':'198.18.0.1','netmask':'255.255.255.0','vif_mac_address':'1e:00:5d:00:00:10','nic_dev_id':1,'new_nic':true,'nw_type':'Public'}]}");
        merge("{'type':'guestnetwork','add':true,'mac_address':'02:00:13:a7:00:02','device':'eth2','router_guest_ip':'10.0.1.1',"
                + "'router_guest_netmask':'255.255.255.0','router_guest_gateway':'10.0.1.1','cidr':'24','dns':'8.8.8.8','domain_name':'vpc.internal',"
                + "'is_vr_guest_gateway':true,'network_id':205,'mtu':1500}");
        merge("{'type':'networkacl','device':'eth2','mac_address':'02:00:13:a7:00:02','private_gateway_acl':false,'nic_ip':'10.0.1.1','nic_netmask':'24',"
                + "'ingress_rules':[{'type':'tcp','first_port':22,'last_port':22,'cidr':'0.0.0.0/0','allowed':true},"
                + "{'type':'icmp','icmp_type':-1,'icmp_code':-1,'cidr':'10.0.0.0/16','allowed':true},{'type':'all','cidr':'0.0.0.0/0','allowed':false}],"
                + "'egress_rules':[{'type':'protocol','protocol':17,'cidr':'0.0.0.0/0','allowed':true}]}");
        merge("{'type':'forwardrules','rules':[{'revoke':false,'protocol':'tcp','source_ip_address':'198.18.0.10','source_port_range':'2222:2222',"
                + "'destination_ip_address':'10.0.1.5','destination_port_range':'22:22','source_cidr_list':''}]}");
        merge("{'type':'ips','ip_address':[{'public_ip':'198.18.0.11','source_nat':false,'add':true,'one_to_one_nat':true,'gateway':'198.18.0.1',"
                + "'netmask':'255.255.255.0','nic_dev_id':1,'nw_type':'Public'}]}");
        merge("{'type':'staticnatrules','rules':[{'revoke':false,'source_ip_address':'198.18.0.11','destination_ip_address':'10.0.1.6'}]}");
        merge("{'type':'staticroutes','routes':[{'revoke':false,'ip_address':'10.0.1.1','gateway':'10.0.1.254','network':'192.0.2.0/24'}]}");
        merge("{'type':'site2sitevpn','local_public_ip':'198.18.0.10','local_guest_cidr':'10.0.0.0/16','peer_gateway_ip':'203.0.113.77',"
                + "'peer_guest_cidr_list':'172.16.0.0/16','ipsec_psk':'x','create':true}");
        merge("{'type':'vmpassword','ip_address':'10.0.1.5','password':'p'}");

        Translator.Result t = Translator.translate(b);
        JsonNode c = t.config();
        assertThat(c.path("interfaces").findValuesAsText("name")).containsExactly("eth0", "eth1", "eth2");
        assertThat(c.path("interfaces").get(1).path("role").asText()).isEqualTo("public");
        assertThat(c.path("interfaces").get(1).path("addresses").toString()).isEqualTo("[\"198.18.0.10/24\",\"198.18.0.11/24\"]");
        assertThat(c.path("sourceNats").toString()).isEqualTo("[{\"network\":\"10.0.1.0/24\",\"outInterface\":\"eth1\",\"toAddress\":\"198.18.0.10\"}]");
        assertThat(c.path("routes").get(0).path("gateway").asText()).isEqualTo("198.18.0.1");
        JsonNode acl = c.path("acls").get(0);
        assertThat(acl.path("device").asText()).isEqualTo("eth2");
        assertThat(acl.path("rules")).hasSize(4);
        assertThat(acl.path("rules").get(1).has("icmpType")).as("-1 = any type").isFalse();
        assertThat(acl.path("rules").get(2).path("action").asText()).isEqualTo("deny");
        assertThat(acl.path("rules").get(3).path("protocol").asText()).as("protocol 17").isEqualTo("udp");
        assertThat(c.path("portForwards").get(0).path("openFirewall").asBoolean()).as("a VPC forward opens the public side").isTrue();
        assertThat(c.path("firewall").toString()).as("static NAT in a VPC: public side open").contains("198.18.0.11", "\"all\"");
        assertThat(c.path("staticRoutes").toString()).isEqualTo("[{\"network\":\"192.0.2.0/24\",\"gateway\":\"10.0.1.254\"}]");
        assertThat(t.notApplied()).containsOnlyKeys("site2sitevpn", "vmpassword");
        Validator.check(Json.shared().treeToValue(c, RouterConfig.class));
    }
}
