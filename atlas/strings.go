package atlas

import "github.com/guccho/guccho/deck"

// label holds the page's fixed words in both languages; the profile's are
// those of the web app's profile panel (static/src/views/clusters/strings.ts).
var label = map[string]deck.Text{
	"source":      {EN: "Data", BN: "তথ্য"},
	"printed":     {EN: "printed", BN: "মুদ্রণ"},
	"km":          {EN: "km", BN: "কিমি"},
	"profile":     {EN: "Profile", BN: "বিবরণ"},
	"none":        {EN: "No enterprises here.", BN: "এখানে কোনো উদ্যোগ নেই।"},
	"notReported": {EN: "not reported", BN: "জানানো হয়নি"},
	"enterprises": {EN: "Enterprises", BN: "উদ্যোগ"},
	"jobs":        {EN: "Jobs", BN: "কর্মসংস্থান"},
	"meanJobs":    {EN: "Jobs per enterprise", BN: "উদ্যোগপ্রতি কর্মসংস্থান"},
	"self":        {EN: "Owners and family (of jobs)", BN: "মালিক ও পরিবার (কর্মসংস্থানের)"},
	"wage":        {EN: "Paid workers (of jobs)", BN: "মজুরিভিত্তিক কর্মী (কর্মসংস্থানের)"},
	"women":       {EN: "Workers who are women", BN: "নারী কর্মী"},
	"ownersWomen": {EN: "Owners who are women", BN: "নারী মালিক"},
	"recpAware":   {EN: "Aware of RECP", BN: "আরইসিপি সম্পর্কে জানেন"},
	"recpAdopted": {EN: "Adopted RECP", BN: "আরইসিপি গ্রহণ করেছেন"},
	"sectors":     {EN: "Sector mix", BN: "খাতের মিশ্রণ"},
	"sector":      {EN: "Sector", BN: "খাত"},
	"share":       {EN: "Share", BN: "অংশ"},
	"lq":          {EN: "LQ", BN: "এলকিউ"},
	"barriers":    {EN: "Barriers named", BN: "উল্লেখিত বাধা"},
	"notes":       {EN: "Notes", BN: "টীকা"},
	"notDrawn":    {EN: "Not drawn:", BN: "আঁকা হয়নি:"},
	"neighbours":  {EN: "Neighbouring units", BN: "প্রতিবেশী একক"},
	"gps":         {EN: "Enterprise (surveyed GPS point)", BN: "উদ্যোগ (জরিপের জিপিএস বিন্দু)"},
	"zero":        {EN: "none", BN: "নেই"},
	"noLQ":        {EN: "No data", BN: "তথ্য নেই"},
	"lq1":         {EN: "below 0.8", BN: "০.৮-এর কম"},
	"lq2":         {EN: "0.8 – 1.25", BN: "০.৮ – ১.২৫"},
	"lq3":         {EN: "1.25 – 2", BN: "১.২৫ – ২"},
	"lq4":         {EN: "2 and above", BN: "২ বা তার বেশি"},
	"district":    {EN: "district", BN: "জেলা"},
	"upazila":     {EN: "upazila", BN: "উপজেলা"},
	"union":       {EN: "union", BN: "ইউনিয়ন"},
	"division":    {EN: "division", BN: "বিভাগ"},
}
