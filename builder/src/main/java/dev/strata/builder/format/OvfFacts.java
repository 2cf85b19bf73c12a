package dev.strata.builder.format;

import java.util.List;

/**
 * What an OVF descriptor says, as read by {@link OvfDescriptor#parse}.
 *
 * @param virtualSystemId       VirtualSystem ovf:id
 * @param osType                OperatingSystemSection vmw:osType, or null
 * @param cimOsId               OperatingSystemSection ovf:id, or null
 * @param virtualSystemType     vssd:VirtualSystemType (e.g. vmx-13), or null
 * @param vcpus                 VirtualQuantity of the processor item (rasd:ResourceType 3), or null
 * @param memoryMb              memory item (rasd:ResourceType 4) in MiB, or null
 * @param controllerSubType     rasd:ResourceSubType of the controller the first disk hangs on
 *                              ("ide" for an IDE controller), or null
 * @param firmware              vmw:Config firmware value, or null (VMware then assumes bios)
 * @param files                 the References section
 * @param disks                 the DiskSection
 * @param cloudStackVirtualSize total disk size as CloudStack's OVAProcessor computes it: a
 *                              namespace-unaware DOM, elements "Disk", attributes "ovf:capacity" and
 *                              "ovf:capacityAllocationUnits"; 0 when it would find no disk
 */
public record OvfFacts(String virtualSystemId, String osType, String cimOsId, String virtualSystemType,
                       Integer vcpus, Long memoryMb, String controllerSubType, String firmware,
                       List<OvfFile> files, List<OvfDisk> disks, long cloudStackVirtualSize) {

    public OvfFacts {
        files = List.copyOf(files);
        disks = List.copyOf(disks);
    }

    /** A References/File: ovf:id, ovf:href, ovf:size (null when absent). */
    public record OvfFile(String id, String href, Long size) {
    }

    /** A DiskSection/Disk with its capacity converted to bytes. */
    public record OvfDisk(String diskId, String fileRef, long capacityBytes, String format) {
    }
}
