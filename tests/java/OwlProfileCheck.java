/*
 * Load an ontology file with the OWL API (the library behind Protege and ROBOT) and report
 * OWL 2 DL profile violations, unparsed triples and the parsed format.
 *
 * Run (JDK 11+ runs a single source file directly; the classpath is the Debian libowlapi-java
 * jars and their dependencies, see OWLAPI_JARS in tests/test_owl_profile.py):
 *   java -cp CLASSPATH tests/java/OwlProfileCheck.java FILE... [IRI=FILE ...]
 *
 * Each FILE is loaded in a fresh OWLOntologyManager and reported on its own.
 * Each IRI=FILE pair resolves an owl:imports of IRI to a local FILE, so a downstream ontology
 * that imports a release by its version IRI can be checked offline.
 *
 * Output per file: "file: PATH", then "key: value" lines (format, ontology, versionIRI, axioms, logicalAxioms, classes,
 * individuals, annotationProperties, unparsedTriples, violations) followed by one
 * "violation: ..." or "unparsed: ..." line per problem.
 * Exit code: the worst over the files: 0 no problem, 1 DL violations or unparsed triples,
 * 2 a file did not load.
 */

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.FunctionalSyntaxDocumentFormat;
import org.semanticweb.owlapi.formats.NTriplesDocumentFormat;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.formats.RDFJsonLDDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.util.SimpleIRIMapper;

public class OwlProfileCheck {
    public static void main(String[] args) {
        List<String> files = new ArrayList<>();
        List<String[]> mappings = new ArrayList<>();
        for (String arg : args) {
            if (arg.contains("=")) {
                mappings.add(arg.split("=", 2));
            } else {
                files.add(arg);
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: OwlProfileCheck FILE... [IRI=FILE ...]");
            System.exit(2);
        }
        int worst = 0;
        for (String file : files) {
            worst = Math.max(worst, check(file, mappings));
        }
        System.exit(worst);
    }

    /** Check one file in a fresh manager; print its report; return 0, 1 or 2 as documented above. */
    private static int check(String path, List<String[]> mappings) {
        System.out.println("file: " + path);
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        for (String[] pair : mappings) {
            manager.getIRIMappers().add(new SimpleIRIMapper(IRI.create(pair[0]), IRI.create(new File(pair[1]))));
        }
        // A missing import must fail loudly: a silently skipped import would hide violations.
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.THROW_EXCEPTION)
            .setStrict(false);
        OWLOntology ontology;
        try {
            File file = new File(path);
            ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(file, formatOf(file.getName())), config);
        } catch (Exception e) {
            System.out.println("error: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
            return 2;
        }
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        System.out.println("format: " + (format == null ? "unknown" : format.getKey()));
        System.out.println("ontology: " + ontology.getOntologyID().getOntologyIRI().map(IRI::toString).orElse("anonymous"));
        System.out.println("versionIRI: " + ontology.getOntologyID().getVersionIRI().map(IRI::toString).orElse("none"));
        System.out.println("imports: " + ontology.importsDeclarations().count());
        System.out.println("axioms: " + ontology.getAxiomCount(Imports.INCLUDED));
        System.out.println("logicalAxioms: " + ontology.getLogicalAxiomCount(Imports.INCLUDED));
        System.out.println("classes: " + ontology.classesInSignature(Imports.INCLUDED).count());
        System.out.println("individuals: " + ontology.individualsInSignature(Imports.INCLUDED).count());
        System.out.println("annotationProperties: " + ontology.annotationPropertiesInSignature(Imports.INCLUDED).count());

        Set<String> unparsed = new TreeSet<>();
        if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
            Object meta = format.getOntologyLoaderMetaData().get();
            if (meta instanceof RDFParserMetaData) {
                ((RDFParserMetaData) meta).getUnparsedTriples().forEach(t -> unparsed.add(t.toString()));
            }
        }
        System.out.println("unparsedTriples: " + unparsed.size());

        // The import closure is checked: a downstream ontology is DL only together with what it imports.
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        List<OWLProfileViolation> violations = report.getViolations();
        Set<String> lines = new TreeSet<>();
        for (OWLProfileViolation v : violations) {
            lines.add(v.getClass().getSimpleName() + ": " + firstLine(v.toString()));
        }
        System.out.println("violations: " + violations.size());
        for (String line : lines) {
            System.out.println("violation: " + line);
        }
        for (String line : unparsed) {
            System.out.println("unparsed: " + line);
        }
        return violations.isEmpty() && unparsed.isEmpty() ? 0 : 1;
    }

    /** The parser to use, chosen by file extension: no guessing between parsers. */
    private static OWLDocumentFormat formatOf(String name) {
        String lower = name.toLowerCase();
        if (lower.endsWith(".jsonld")) {
            return new RDFJsonLDDocumentFormat();
        }
        if (lower.endsWith(".nt")) {
            return new NTriplesDocumentFormat();
        }
        if (lower.endsWith(".ttl")) {
            return new TurtleDocumentFormat();
        }
        if (lower.endsWith(".ofn")) {
            return new FunctionalSyntaxDocumentFormat();
        }
        return new RDFXMLDocumentFormat();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
