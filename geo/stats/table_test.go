package stats

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// dbf builds a dBASE III file with fields NAME (C, 6) and N (N, 5) and the
// given records; a record whose name starts with '*' is marked deleted.
func dbf(recs [][2]string) []byte {
	var b bytes.Buffer
	head := make([]byte, 32)
	head[0] = 3
	binary.LittleEndian.PutUint32(head[4:], uint32(len(recs)))
	binary.LittleEndian.PutUint16(head[8:], 32+2*32+1)
	binary.LittleEndian.PutUint16(head[10:], 1+6+5)
	b.Write(head)
	for _, f := range []struct {
		name string
		typ  byte
		n    byte
	}{{"NAME", 'C', 6}, {"N", 'N', 5}} {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11], d[16] = f.typ, f.n
		b.Write(d)
	}
	b.WriteByte(0x0D)
	for _, r := range recs {
		flag, name := " ", r[0]
		if strings.HasPrefix(name, "*") {
			flag, name = "*", name[1:]
		}
		b.WriteString(flag)
		b.WriteString((name + "      ")[:6])
		b.WriteString((strings.Repeat(" ", 5) + r[1])[len(r[1]):])
	}
	b.WriteByte(0x1A)
	return b.Bytes()
}

func TestReadDBF(t *testing.T) {
	tab, err := ReadDBF(bytes.NewReader(dbf([][2]string{{"Dhaka", "12.5"}, {"*gone", "1"}, {"Bhola", "-3"}})))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Columns, []string{"NAME", "N"}) {
		t.Errorf("columns = %v", tab.Columns)
	}
	names, _ := tab.Strings("name") // case-insensitive
	vals, err := tab.Floats("N")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"Dhaka", "Bhola"}) || !slices.Equal(vals, []float64{12.5, -3}) {
		t.Errorf("rows = %v %v, want the two live records", names, vals)
	}
	if _, err := tab.Floats("NAME"); err == nil || !strings.Contains(err.Error(), `row 1, column "NAME"`) {
		t.Errorf("non-numeric column: error %v", err)
	}
	if _, err := ReadDBF(bytes.NewReader(dbf([][2]string{{"a", "1"}})[:70])); err == nil {
		t.Error("truncated DBF: no error")
	}
}
