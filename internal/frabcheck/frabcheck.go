// Package frabcheck validates Frab schedule exports against the published
// schemas: schedule.xml with xmllint (Debian's libxml2-utils) and
// schedule.json with a JSON Schema validator. Only tests use it.
package frabcheck

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schedule.xml.xsd
var xsd []byte

//go:embed schema.json
var jsonSchema []byte

// ErrNoXmllint means xmllint is not installed; tests skip the XML check
// with a message saying so.
var ErrNoXmllint = errors.New("xmllint is not installed (apt-get install libxml2-utils); schedule.xml is not validated")

// XML validates a schedule.xml document with xmllint --schema.
func XML(doc []byte) error {
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		return ErrNoXmllint
	}
	dir, err := os.MkdirTemp("", "frabcheck")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	schema := filepath.Join(dir, "schedule.xml.xsd")
	file := filepath.Join(dir, "schedule.xml")
	if err := os.WriteFile(schema, xsd, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		return err
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", schema, file).CombinedOutput()
	if err != nil {
		return fmt.Errorf("xmllint: %v\n%s", err, out)
	}
	return nil
}

// JSON validates a schedule.json document against schema.json, with format
// assertions (uuid, date-time, uri) on.
func JSON(doc []byte) error {
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(jsonSchema))
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://c3voc.de/schedule/schema.json"
	if err := c.AddResource(url, schemaDoc); err != nil {
		return err
	}
	sch, err := c.Compile(url)
	if err != nil {
		return fmt.Errorf("compile schema.json: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("schedule.json is not JSON: %w", err)
	}
	return sch.Validate(inst)
}
