package dev.strata.builder.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Writes and reads the OVF 1.0 descriptor (DMTF DSP0243) of a one-VM, one-disk OVA.
 *
 * <p>Written from a text template so the bytes never depend on the JDK's serializer. Two layout
 * rules matter beyond the schema:
 * <ul>
 *   <li>Elements are in the default namespace (unprefixed {@code <Disk>}, {@code <File>}) and OVF
 *   attributes carry the literal prefix {@code ovf:}. CloudStack's OVAProcessor parses the
 *   descriptor with a namespace-unaware DOM and asks for {@code getElementsByTagName("Disk")} and
 *   {@code getAttribute("ovf:capacity")}; any other spelling makes it see no disk.</li>
 *   <li>Inside an Item the rasd elements are in alphabetical order, the order of the CIM
 *   ResourceAllocationSettingData schema's sequence, which strict validators (ovftool) enforce.</li>
 * </ul>
 * rasd:ResourceType values are CIM's: 3 processor, 4 memory, 5 IDE controller, 6 parallel SCSI
 * controller, 15 CD drive, 17 disk drive.
 */
public final class OvfDescriptor {

    static final String NS_OVF = "http://schemas.dmtf.org/ovf/envelope/1";
    static final String NS_RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
    static final String NS_VSSD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData";
    static final String NS_VMW = "http://www.vmware.com/schema/ovf";
    static final String NS_CIM = "http://schemas.dmtf.org/wbem/wscim/1/common";
    static final String NS_XSI = "http://www.w3.org/2001/XMLSchema-instance";

    /** ovf:format of a streamOptimized VMDK, the only disk format ESXi takes from an OVA. */
    public static final String FORMAT_STREAM_OPTIMIZED =
            "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";

    private static final Pattern BYTE_POWER = Pattern.compile("byte\\s*\\*\\s*2\\^(\\d+)");

    private OvfDescriptor() {
    }

    /**
     * What to describe.
     *
     * @param vmName        VirtualSystem ovf:id and Name
     * @param diskFileName  the VMDK's name inside the OVA (References File ovf:href)
     * @param diskFileSize  the VMDK's size in bytes (File ovf:size)
     * @param capacityBytes the disk's virtual size (Disk ovf:capacity, units "byte")
     * @param hardware      CPUs, memory, controller, guest OS, hardware version, firmware
     */
    public record Input(String vmName, String diskFileName, long diskFileSize, long capacityBytes,
                        OvaHardware hardware) {
        public Input {
            Objects.requireNonNull(vmName, "vmName");
            Objects.requireNonNull(diskFileName, "diskFileName");
            Objects.requireNonNull(hardware, "hardware");
            if (diskFileSize <= 0 || capacityBytes <= 0) {
                // CloudStack's OVFHelper rejects a capacity of 0.
                throw new IllegalArgumentException("disk file size and capacity must be positive");
            }
        }
    }

    /** The descriptor text (UTF-8 XML, LF line ends, trailing newline). */
    public static String render(Input in) {
        OvaHardware hw = in.hardware();
        String name = esc(in.vmName());
        StringBuilder x = new StringBuilder(4096);
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<Envelope xmlns=\"").append(NS_OVF).append('"')
                .append(" xmlns:cim=\"").append(NS_CIM).append('"')
                .append(" xmlns:ovf=\"").append(NS_OVF).append('"')
                .append(" xmlns:rasd=\"").append(NS_RASD).append('"')
                .append(" xmlns:vmw=\"").append(NS_VMW).append('"')
                .append(" xmlns:vssd=\"").append(NS_VSSD).append('"')
                .append(" xmlns:xsi=\"").append(NS_XSI).append("\">\n");
        x.append("  <References>\n");
        x.append("    <File ovf:href=\"").append(esc(in.diskFileName())).append("\" ovf:id=\"file1\" ovf:size=\"")
                .append(in.diskFileSize()).append("\"/>\n");
        x.append("  </References>\n");
        x.append("  <DiskSection>\n");
        x.append("    <Info>Virtual disk information</Info>\n");
        x.append("    <Disk ovf:capacity=\"").append(in.capacityBytes())
                .append("\" ovf:capacityAllocationUnits=\"byte\" ovf:diskId=\"vmdisk1\" ovf:fileRef=\"file1\" ovf:format=\"")
                .append(FORMAT_STREAM_OPTIMIZED).append("\"/>\n");
        x.append("  </DiskSection>\n");
        x.append("  <VirtualSystem ovf:id=\"").append(name).append("\">\n");
        x.append("    <Info>A virtual machine</Info>\n");
        x.append("    <Name>").append(name).append("</Name>\n");
        x.append("    <OperatingSystemSection ovf:id=\"").append(hw.cimOsId()).append("\" vmw:osType=\"")
                .append(esc(hw.osType())).append("\">\n");
        x.append("      <Info>The kind of installed guest operating system</Info>\n");
        x.append("    </OperatingSystemSection>\n");
        x.append("    <VirtualHardwareSection>\n");
        x.append("      <Info>Virtual hardware requirements</Info>\n");
        x.append("      <System>\n");
        x.append("        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>\n");
        x.append("        <vssd:InstanceID>0</vssd:InstanceID>\n");
        x.append("        <vssd:VirtualSystemIdentifier>").append(name).append("</vssd:VirtualSystemIdentifier>\n");
        x.append("        <vssd:VirtualSystemType>").append(esc(hw.virtualSystemType())).append("</vssd:VirtualSystemType>\n");
        x.append("      </System>\n");

        item(x, null, List.of(
                rasd("AllocationUnits", "hertz * 10^6"),
                rasd("Description", "Number of Virtual CPUs"),
                rasd("ElementName", hw.vcpus() + " virtual CPU(s)"),
                rasd("InstanceID", "1"),
                rasd("ResourceType", "3"),
                rasd("VirtualQuantity", Integer.toString(hw.vcpus()))));
        item(x, null, List.of(
                rasd("AllocationUnits", "byte * 2^20"),
                rasd("Description", "Memory Size"),
                rasd("ElementName", hw.memoryMb() + "MB of memory"),
                rasd("InstanceID", "2"),
                rasd("ResourceType", "4"),
                rasd("VirtualQuantity", Integer.toString(hw.memoryMb()))));
        item(x, null, List.of(
                rasd("Address", "0"),
                rasd("Description", "SCSI Controller"),
                rasd("ElementName", "SCSI Controller 0"),
                rasd("InstanceID", "3"),
                rasd("ResourceSubType", hw.scsiSubType()),
                rasd("ResourceType", "6")));
        if (hw.cdrom()) {
            item(x, null, List.of(
                    rasd("Address", "0"),
                    rasd("Description", "IDE Controller"),
                    rasd("ElementName", "IDE 0"),
                    rasd("InstanceID", "4"),
                    rasd("ResourceType", "5")));
        }
        item(x, null, List.of(
                rasd("AddressOnParent", "0"),
                rasd("ElementName", "Hard Disk 1"),
                rasd("HostResource", "ovf:/disk/vmdisk1"),
                rasd("InstanceID", "5"),
                rasd("Parent", "3"),
                rasd("ResourceType", "17")));
        if (hw.cdrom()) {
            // Not required and not connected at power on, like ide0:0.startConnected = "FALSE" upstream.
            item(x, "false", List.of(
                    rasd("AddressOnParent", "0"),
                    rasd("AutomaticAllocation", "false"),
                    rasd("ElementName", "CD/DVD Drive 1"),
                    rasd("InstanceID", "6"),
                    rasd("Parent", "4"),
                    rasd("ResourceType", "15")));
        }
        x.append("      <vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\"")
                .append(esc(hw.firmware())).append("\"/>\n");
        x.append("    </VirtualHardwareSection>\n");
        x.append("  </VirtualSystem>\n");
        x.append("</Envelope>\n");
        return x.toString();
    }

    private record Rasd(String name, String value) {
    }

    private static Rasd rasd(String name, String value) {
        return new Rasd(name, value);
    }

    private static void item(StringBuilder x, String required, List<Rasd> fields) {
        x.append("      <Item");
        if (required != null) {
            x.append(" ovf:required=\"").append(required).append('"');
        }
        x.append(">\n");
        for (Rasd r : fields) {
            x.append("        <rasd:").append(r.name()).append('>').append(esc(r.value()))
                    .append("</rasd:").append(r.name()).append(">\n");
        }
        x.append("      </Item>\n");
    }

    /** XML text and attribute escaping; control characters other than tab/newline are refused. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        throw new IllegalArgumentException("control character in OVF text: " + (int) c);
                    }
                    b.append(c);
                }
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- reading

    /** Parses a descriptor. Throws IllegalArgumentException when it is not a usable OVF envelope. */
    public static OvfFacts parse(byte[] xml) {
        Document doc = parseDom(xml, true);
        Element root = doc.getDocumentElement();
        if (!"Envelope".equals(root.getLocalName()) || !NS_OVF.equals(root.getNamespaceURI())) {
            throw new IllegalArgumentException("root element is not an OVF 1.x Envelope ({" + NS_OVF + "}Envelope)");
        }

        List<OvfFacts.OvfFile> files = new ArrayList<>();
        for (Element f : elements(root, NS_OVF, "File")) {
            String size = attr(f, NS_OVF, "size");
            files.add(new OvfFacts.OvfFile(attr(f, NS_OVF, "id"), attr(f, NS_OVF, "href"),
                    size == null ? null : Long.parseLong(size)));
        }
        List<OvfFacts.OvfDisk> disks = new ArrayList<>();
        for (Element d : elements(root, NS_OVF, "Disk")) {
            long capacity = Long.parseLong(Objects.requireNonNull(attr(d, NS_OVF, "capacity"),
                    "Disk without ovf:capacity"));
            long unit = unitMultiplier(attr(d, NS_OVF, "capacityAllocationUnits"));
            if (unit <= 0) {
                throw new IllegalArgumentException("unknown ovf:capacityAllocationUnits '"
                        + attr(d, NS_OVF, "capacityAllocationUnits") + "'");
            }
            disks.add(new OvfFacts.OvfDisk(attr(d, NS_OVF, "diskId"), attr(d, NS_OVF, "fileRef"),
                    Math.multiplyExact(capacity, unit), attr(d, NS_OVF, "format")));
        }

        Element vs = first(root, NS_OVF, "VirtualSystem");
        if (vs == null) {
            throw new IllegalArgumentException("no VirtualSystem in the descriptor");
        }
        Element os = first(vs, NS_OVF, "OperatingSystemSection");
        Element hws = first(vs, NS_OVF, "VirtualHardwareSection");
        if (hws == null) {
            throw new IllegalArgumentException("no VirtualHardwareSection in the descriptor");
        }
        Element vst = first(hws, NS_VSSD, "VirtualSystemType");

        List<Map<String, String>> items = new ArrayList<>();
        for (Node n = hws.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Item".equals(e.getLocalName()) && NS_OVF.equals(e.getNamespaceURI())) {
                Map<String, String> fields = new HashMap<>();
                for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
                    if (c instanceof Element ce && NS_RASD.equals(ce.getNamespaceURI())) {
                        fields.put(ce.getLocalName(), ce.getTextContent().strip());
                    }
                }
                items.add(fields);
            }
        }
        Integer vcpus = null;
        Long memoryMb = null;
        Map<String, String> diskItem = null;
        for (Map<String, String> it : items) {
            switch (it.getOrDefault("ResourceType", "")) {
                case "3" -> vcpus = Integer.valueOf(it.get("VirtualQuantity"));
                case "4" -> {
                    long unit = unitMultiplier(it.get("AllocationUnits"));
                    if (unit <= 0) {
                        throw new IllegalArgumentException("unknown memory AllocationUnits '" + it.get("AllocationUnits") + "'");
                    }
                    memoryMb = Long.parseLong(it.get("VirtualQuantity")) * unit / (1024L * 1024L);
                }
                case "17" -> {
                    if (diskItem == null) {
                        diskItem = it;
                    }
                }
                default -> { }
            }
        }
        String controller = null;
        if (diskItem != null && diskItem.get("Parent") != null) {
            for (Map<String, String> it : items) {
                if (diskItem.get("Parent").equals(it.get("InstanceID"))) {
                    controller = "5".equals(it.get("ResourceType")) ? "ide" : it.get("ResourceSubType");
                }
            }
        }
        String firmware = null;
        for (Node n = hws.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Config".equals(e.getLocalName()) && NS_VMW.equals(e.getNamespaceURI())
                    && "firmware".equals(attr(e, NS_VMW, "key"))) {
                firmware = attr(e, NS_VMW, "value");
            }
        }

        return new OvfFacts(attr(vs, NS_OVF, "id"),
                os == null ? null : attr(os, NS_VMW, "osType"),
                os == null ? null : attr(os, NS_OVF, "id"),
                vst == null ? null : vst.getTextContent().strip(),
                vcpus, memoryMb, controller, firmware, files, disks, cloudStackVirtualSize(xml));
    }

    /**
     * Virtual size the way CloudStack's OVAProcessor.getTemplateVirtualSize reads it (namespace
     * unaware; KB/MB/GB words and "byte * 2^10/20/30" scale, anything else counts as bytes).
     */
    static long cloudStackVirtualSize(byte[] xml) {
        Document doc = parseDom(xml, false);
        NodeList disks = doc.getElementsByTagName("Disk");
        long total = 0;
        for (int i = 0; i < disks.getLength(); i++) {
            Element d = (Element) disks.item(i);
            long capacity = Long.parseLong(d.getAttribute("ovf:capacity"));
            String units = d.getAttribute("ovf:capacityAllocationUnits");
            long mult = 1;
            if (units.equalsIgnoreCase("KB") || units.equalsIgnoreCase("KiloBytes") || units.equalsIgnoreCase("byte * 2^10")) {
                mult = 1024L;
            } else if (units.equalsIgnoreCase("MB") || units.equalsIgnoreCase("MegaBytes") || units.equalsIgnoreCase("byte * 2^20")) {
                mult = 1024L * 1024L;
            } else if (units.equalsIgnoreCase("GB") || units.equalsIgnoreCase("GigaBytes") || units.equalsIgnoreCase("byte * 2^30")) {
                mult = 1024L * 1024L * 1024L;
            }
            total += capacity * mult;
        }
        return total;
    }

    /** "byte" or absent = 1, "byte * 2^N" = 2^N, KB/MB/GB words; -1 when unknown. */
    static long unitMultiplier(String units) {
        if (units == null || units.isBlank() || units.strip().equalsIgnoreCase("byte")) {
            return 1;
        }
        String u = units.strip().toLowerCase(Locale.ROOT);
        Matcher m = BYTE_POWER.matcher(u);
        if (m.matches()) {
            int p = Integer.parseInt(m.group(1));
            return p < 63 ? 1L << p : -1;
        }
        return switch (u) {
            case "kb", "kilobytes" -> 1024L;
            case "mb", "megabytes" -> 1024L * 1024L;
            case "gb", "gigabytes" -> 1024L * 1024L * 1024L;
            default -> -1;
        };
    }

    private static Document parseDom(byte[] xml, boolean namespaceAware) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(namespaceAware);
            // An OVA comes from outside: no DTDs, no external entities, no XInclude.
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new ErrorHandler() {
                // Fail with the exception instead of the parser's default printing to stderr.
                @Override
                public void warning(SAXParseException e) {
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("descriptor is not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static List<Element> elements(Element scope, String ns, String local) {
        NodeList nl = scope.getElementsByTagNameNS(ns, local);
        List<Element> out = new ArrayList<>(nl.getLength());
        for (int i = 0; i < nl.getLength(); i++) {
            out.add((Element) nl.item(i));
        }
        return out;
    }

    private static Element first(Element scope, String ns, String local) {
        NodeList nl = scope.getElementsByTagNameNS(ns, local);
        return nl.getLength() == 0 ? null : (Element) nl.item(0);
    }

    private static String attr(Element e, String ns, String local) {
        return e.hasAttributeNS(ns, local) ? e.getAttributeNS(ns, local) : null;
    }

    /** The descriptor as UTF-8 bytes. */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
