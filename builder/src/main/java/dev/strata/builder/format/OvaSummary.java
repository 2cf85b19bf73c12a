package dev.strata.builder.format;

import java.util.List;

/**
 * A verified OVA: its members and what its descriptor declares.
 *
 * @param members           member names in archive order (descriptor first)
 * @param vmName            VirtualSystem ovf:id
 * @param vcpus             virtual CPUs
 * @param memoryMb          memory in MiB
 * @param controllerSubType controller of the disk (e.g. lsilogic)
 * @param diskCapacityBytes virtual size of the disk
 * @param diskFormat        ovf:format of the disk
 * @param osType            vmw:osType
 * @param virtualSystemType vssd:VirtualSystemType (e.g. vmx-13)
 * @param firmware          vmw:Config firmware, or null
 * @param manifestAlgorithm digest used by the manifest (SHA256, SHA1)
 */
public record OvaSummary(List<String> members, String vmName, int vcpus, long memoryMb, String controllerSubType,
                         long diskCapacityBytes, String diskFormat, String osType, String virtualSystemType,
                         String firmware, String manifestAlgorithm) {

    public OvaSummary {
        members = List.copyOf(members);
    }
}
