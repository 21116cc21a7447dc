package live

import (
	"encoding/json"

	"github.com/guccho/guccho"
)

// Message types the hub sends, as the "type" field of the JSON text.
const (
	MessageEvent      = "event"      // {"type":"event","event":{id,type,time,payload}}
	MessageReset      = "reset"      // {"type":"reset","reason":…}: the log no longer reaches back to the client's last_event_id; refetch everything
	MessageSubscribed = "subscribed" // {"type":"subscribed","last_event_id":N,"topics":[…]}: everything up to N has been sent (or reset); later events follow
)

// Message is one message for a subscriber. Data is its JSON text, encoded
// once and shared by every subscriber it goes to: it must not be modified.
type Message struct {
	Type  string       // MessageEvent, MessageReset or MessageSubscribed
	Event guccho.Event // for MessageEvent
	Data  []byte
}

func eventMessage(ev guccho.Event) *Message {
	return &Message{Type: MessageEvent, Event: ev, Data: mustJSON(struct {
		Type  string       `json:"type"`
		Event guccho.Event `json:"event"`
	}{MessageEvent, ev})}
}

func resetMessage(reason string) *Message {
	return &Message{Type: MessageReset, Data: mustJSON(struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}{MessageReset, reason})}
}

func subscribedMessage(lastEventID int64, topics []string) *Message {
	return &Message{Type: MessageSubscribed, Data: mustJSON(struct {
		Type        string   `json:"type"`
		LastEventID int64    `json:"last_event_id"`
		Topics      []string `json:"topics"`
	}{MessageSubscribed, lastEventID, topics})}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only an event whose payload is not valid JSON gets here.
		b, _ = json.Marshal(map[string]string{"type": "error", "reason": "unencodable message"})
	}
	return b
}

// item is an event ready to fan out: its message, its topic and, for
// enterprise events, the decoded change the filters look at.
type item struct {
	msg    *Message
	topic  topics
	change *guccho.EnterpriseChange // nil when the payload does not decode
	deck   string                   // for presentation events: the deck they are about
}

func newItem(ev guccho.Event) *item {
	it := &item{msg: eventMessage(ev), topic: topicOf(ev.Type)}
	if it.topic == topicEnterprises {
		var c guccho.EnterpriseChange
		if json.Unmarshal(ev.Payload, &c) == nil {
			it.change = &c
		}
	}
	if it.topic == topicPresentations {
		var d struct {
			Deck string `json:"deck"`
		}
		json.Unmarshal(ev.Payload, &d)
		it.deck = d.Deck
	}
	return it
}
