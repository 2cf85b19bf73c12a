package dev.strata.agent.cloudstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.agent.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CloudStack's merge rules per bag type (reference §6.5), one by one, and bad input named by path. */
class BagsTest {

    private final Bags b = Bags.empty(new Nics(Path.of("/nonexistent")));

    private void merge(String json) throws Exception {
        b.merge("test.json", Json.shared().readTree(json.replace('\'', '"')));
    }

    @Test
    void cmdlineSplitsOnTheFirstEqualsAndTheLastKeyWins() {
        var m = CmdLine.parse(" template=domP authorized_key=c3NoLXJzYSBBQUFB== type=router name=r-1-VM name=r-2-VM bare ");
        assertThat(m).containsEntry("authorized_key", "c3NoLXJzYSBBQUFB==").containsEntry("name", "r-2-VM").doesNotContainKey("bare");
        assertThat(CmdLine.toBag(m).path("cmd_line").path("type").asText()).isEqualTo("router");
    }

    @Test
    void firewallByIdRevokedDeletesExistingNotUpdated() throws Exception {
        merge("{'type':'firewallrules','rules':[{'id':1,'src_ip':'1.2.3.4','protocol':'tcp','src_port_range':[22,22]},{'id':2,'protocol':'udp'}]}");
        merge("{'type':'firewallrules','rules':[{'id':1,'protocol':'udp'},{'id':2,'revoked':true},{'id':3,'protocol':'all'}]}");
        JsonNode fw = b.bag("firewallrules");
        assertThat(fw.path("1").path("protocol").asText()).isEqualTo("tcp");
        assertThat(fw.has("2")).isFalse();
        assertThat(fw.has("3")).isTrue();
    }

    @Test
    void forwardingMatchesOnPortsProtocolAndIntersectingCidrs() throws Exception {
        merge("{'type':'forwardrules','rules':[{'protocol':'TCP','source_ip_address':'1.2.3.4','source_port_range':'22:22','destination_ip_address':'10.0.0.5','destination_port_range':'22:22','source_cidr_list':''}]}");
        merge("{'type':'forwardrules','rules':[{'protocol':'tcp','source_ip_address':'1.2.3.4','source_port_range':'22:22','destination_ip_address':'10.0.0.6','destination_port_range':'2222:2222'}]}");
        merge("{'type':'forwardrules','rules':[{'protocol':'tcp','source_ip_address':'1.2.3.4','source_port_range':'80:80','destination_ip_address':'10.0.0.6','destination_port_range':'80:80','source_cidr_list':'9.9.9.0/24'}]}");
        JsonNode list = b.bag("forwardingrules").path("1.2.3.4");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("internal_ip").asText()).isEqualTo("10.0.0.6");
        merge("{'type':'forwardrules','rules':[{'revoke':true,'protocol':'tcp','source_ip_address':'1.2.3.4','source_port_range':'80:80','destination_ip_address':'10.0.0.6','destination_port_range':'80:80','source_cidr_list':'8.8.8.0/24,9.9.9.0/24'}]}");
        assertThat(b.bag("forwardingrules").path("1.2.3.4")).hasSize(1);
        merge("{'type':'staticnatrules','rules':[{'source_ip_address':'1.2.3.5','destination_ip_address':'10.0.0.7'}]}");
        merge("{'type':'staticnatrules','rules':[{'source_ip_address':'1.2.3.5','destination_ip_address':'10.0.0.8'}]}");
        assertThat(b.bag("forwardingrules").path("1.2.3.5")).hasSize(1);
        merge("{'type':'staticnatrules','rules':[{'revoke':true,'source_ip_address':'1.2.3.5','destination_ip_address':'10.0.0.8'}]}");
        assertThat(b.bag("forwardingrules").has("1.2.3.5")).isFalse();
    }

    @Test
    void dhcpKeyedByIpDeduplicatedByMacAndRemoveRemoves() throws Exception {
        merge("{'type':'dhcpentry','host_name':'a','mac_address':'02:00:00:00:00:01','ipv4_address':'10.0.0.5'}");
        merge("{'type':'dhcpentry','host_name':'a','mac_address':'02:00:00:00:00:01','ipv4_address':'10.0.0.6'}");
        assertThat(b.bag("dhcpentry").has("10.0.0.5")).isFalse();
        assertThat(b.bag("dhcpentry").has("10.0.0.6")).isTrue();
        merge("{'type':'dhcpentry','mac_address':'02:00:00:00:00:01','ipv4_address':'10.0.0.6','remove':true}");
        assertThat(b.bag("dhcpentry").size()).isEqualTo(1); // only "id"
    }

    @Test
    void passwordKeepsTheLastAclReplacesPerDeviceRoutesAndVpnUsers() throws Exception {
        merge("{'type':'vmpassword','ip_address':'10.0.0.5','password':'a=b'}");
        merge("{'type':'vmpassword','ip_address':'10.0.0.6','password':'c'}");
        assertThat(b.bag("vmpassword").has("10.0.0.5")).isFalse();
        assertThat(b.bag("vmpassword").path("10.0.0.6").asText()).isEqualTo("c");
        merge("{'type':'networkacl','device':'eth2','ingress_rules':[{'type':'tcp','first_port':22,'last_port':22,'cidr':'0.0.0.0/0','allowed':true}],'egress_rules':[]}");
        merge("{'type':'networkacl','device':'eth2','ingress_rules':[],'egress_rules':[]}");
        assertThat(b.bag("networkacl").path("eth2").path("ingress_rules")).isEmpty();
        merge("{'type':'staticroutes','routes':[{'network':'192.0.2.0/24','gateway':'10.0.0.254','revoke':false}]}");
        merge("{'type':'staticroutes','routes':[{'network':'192.0.2.0/24','gateway':'10.0.0.254','revoke':true}]}");
        assertThat(b.bag("staticroutes").has("192.0.2.0/24")).isFalse();
        merge("{'type':'vpnuserlist','vpn_users':[{'user':'u','password':'p','add':true}]}");
        merge("{'type':'vpnuserlist','vpn_users':[{'user':'u','add':false}]}");
        assertThat(b.bag("vpnuserlist").has("u")).isFalse();
        merge("{'type':'site2sitevpn','peer_gateway_ip':'198.51.100.9','create':true}");
        merge("{'type':'site2sitevpn','peer_gateway_ip':'198.51.100.9','create':false}");
        assertThat(b.bag("site2sitevpn").has("198.51.100.9")).isFalse();
        merge("{'type':'loadbalancer','rules':[{'configuration':['global']}]}");
        assertThat(b.bag("loadbalancer").path("config")).hasSize(1);
        merge("{'type':'bgppeers','peers':[{'peer_id':1,'network_id':7}]}");
        assertThat(b.bag("bgppeers").has("1-7")).isTrue();
    }

    @Test
    void ipsReplacePerAddressSourceNatFirstControlReplacesGuestNetworkInjects() throws Exception {
        merge("{'type':'ips','ip_address':[{'public_ip':'1.2.3.5','netmask':'255.255.255.0','nic_dev_id':2,'add':true,'nw_type':'Public'},"
                + "{'public_ip':'1.2.3.4','netmask':'255.255.255.0','nic_dev_id':2,'add':true,'source_nat':true,'nw_type':'Public'}]}");
        assertThat(b.bag("ips").path("eth2").get(0).path("public_ip").asText()).isEqualTo("1.2.3.4");
        merge("{'type':'ips','ip_address':[{'public_ip':'1.2.3.5','netmask':'255.255.255.0','nic_dev_id':3,'add':true}]}");
        assertThat(b.bag("ips").path("eth2")).hasSize(1);
        assertThat(b.bag("ips").path("eth3").get(0).path("nw_type").asText()).isEqualTo("public");
        merge("{'type':'ips','ip_address':[{'public_ip':'1.2.3.5','add':false}]}");
        assertThat(b.bag("ips").path("eth3")).isEmpty();
        merge("{'type':'guestnetwork','device':'eth4','add':true,'router_guest_ip':'10.5.0.1','router_guest_netmask':'255.255.255.0','mac_address':'02:00:00:00:00:09'}");
        assertThat(b.bag("guestnetwork").path("eth4").get(0).path("domain_name").asText()).isEqualTo("cloudnine.internal");
        assertThat(b.bag("ips").path("eth4").get(0).path("nw_type").asText()).isEqualTo("guest");
        merge("{'type':'ipaliases','aliases':[{'ip_address':'10.5.0.2','netmask':'255.255.255.0','revoke':false}]}");
        assertThat(b.bag("ips").path("eth4")).hasSize(2);
        merge("{'type':'guestnetwork','device':'eth4','add':false,'router_guest_ip':'10.5.0.1'}");
        assertThat(b.bag("guestnetwork").has("eth4")).isFalse();
    }

    @Test
    void badInputNamesFileAndField() {
        assertThatThrownBy(() -> merge("{'type':'nosuch'}")).isInstanceOf(BagException.class).hasMessageContaining("test.json: type: \"nosuch\"");
        assertThatThrownBy(() -> merge("{'type':'firewallrules','rules':[{'protocol':'tcp'}]}"))
                .hasMessage("test.json: rules[0].id: missing (firewall rules are kept by id)");
        assertThatThrownBy(() -> merge("{'type':'forwardrules','rules':[{'source_ip_address':'1.2.3.4'}]}"))
                .hasMessage("test.json: rules[0].destination_ip_address: missing");
    }

    @Test
    void translationNamesTheBagField() throws Exception {
        merge("{'type':'ips','ip_address':[{'public_ip':'1.2.3.4','netmask':'255.0.255.0','nic_dev_id':2,'add':true}]}");
        assertThatThrownBy(() -> Translator.translate(b)).hasMessage("ips.eth2[0].netmask: \"255.0.255.0\" is not a netmask");
        assertThat(List.of(Translator.portRange("x", "22:22"), Translator.portRange("x", "1000:2000"))).containsExactly("22", "1000-2000");
    }
}
