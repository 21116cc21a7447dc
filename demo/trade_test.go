package demo_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/guccho/guccho/valuechain"
)

// surveyColumns are the columns the demo survey had before it gained the
// trade answers.
var surveyColumns = []string{"_id", "enterprise_name", "sector", "sub_sector", "division", "district", "upazila", "union",
	"_gps_latitude", "_gps_longitude", "self_employed", "wage_workers", "owner_gender",
	"recp_aware", "recp_adopted", "recp_practices", "barriers", "synthetic"}

// surveyDigest is the SHA-256 of every value of those columns of the
// default survey (seed 1), measured before the trade answers were added.
const surveyDigest = "ab7f4ac7e55668ab87e07fc0acc384081bd98b11452df06da06e1e64433c9afe"

// TestTradeAnswersChangeNothingElse: the trade answers come from a source
// of their own, so every other value of the survey is as it was.
func TestTradeAnswersChangeNothingElse(t *testing.T) {
	h := sha256.New()
	for _, r := range defaultSurvey(t) {
		for _, c := range surveyColumns {
			h.Write([]byte(r.v[c]))
			h.Write([]byte{0})
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != surveyDigest {
		t.Errorf("digest of the survey's columns = %s, want %s", got, surveyDigest)
	}
}

// TestTradeAnswersInTheClusters: producers of the footwear, dairy and light
// engineering clusters answer where their main input comes from and who buys
// most, in words valuechain.BuyerRole knows (never an input supplier as a
// buyer); records elsewhere leave the four columns blank.
func TestTradeAnswersInTheClusters(t *testing.T) {
	answered := map[string]int{}
	districts := map[string]int{}
	places := map[string]int{}
	for _, r := range defaultSurvey(t) {
		it, ip, bt, bp := r.v["input_source_type"], r.v["input_source_place"], r.v["buyer_type"], r.v["buyer_place"]
		if it == "" {
			if ip != "" || bt != "" || bp != "" {
				t.Fatalf("record %s: a partial answer %q %q %q %q", r.v["_id"], it, ip, bt, bp)
			}
			continue
		}
		sec := r.v["sector"]
		answered[r.truth.Upazila]++
		districts[r.truth.District]++
		if ip == "" || bt == "" || bp == "" {
			t.Fatalf("record %s (%s): a partial answer %q %q %q %q", r.v["_id"], sec, it, ip, bt, bp)
		}
		role, ok := valuechain.BuyerRole(bt)
		if !ok || role.Stage() <= valuechain.InputSupplier.Stage() {
			t.Errorf("record %s: buyer type %q is %q, %v", r.v["_id"], bt, role, ok)
		}
		if r.truth.Upazila == "BD304811" {
			places[ip]++
		}
	}
	// Most of Bhairab's footwear workshops (80 % of 13 % of 5,457 sit
	// around it, 90 % of them answer) name their sources.
	if answered["BD304811"] < 300 || answered["BD508867"] < 50 || answered["BD302688"] < 50 {
		t.Errorf("answers by upazila: Bhairab %d, Shahjadpur %d, Dholaikhal %d; want ≥ 300, 50, 50",
			answered["BD304811"], answered["BD508867"], answered["BD302688"])
	}
	for _, p := range []string{"Savar", "Hazaribagh", "Bhairab", "Chak Bazar"} {
		if places[p] == 0 {
			t.Errorf("no Bhairab workshop buys its input in %s: %v", p, places)
		}
	}
	// The anchors are in Kishoreganj, Dhaka, Sirajganj, Pabna and Bogura;
	// a few workshops spill over a border.
	if n := len(districts); n > 8 {
		t.Errorf("answers in %d districts (%v); want them only around the clusters", n, districts)
	}
}
