"""The drill-down page's own JavaScript (its CSS is a section of the site's stylesheet,
``static/campaign-kpi.css``).

The script only reads ``data-*`` attributes, toggles ``hidden`` and classes, swaps precomputed
treemap data with ``Plotly.react`` (keeping only the filtered nodes) and keeps its state in the
URL hash (the site script carries it to the other languages) and writes the chosen period
into the site header. For a filtered selection it adds up the selected nodes' sums (KPIs as
ratios of sums) and writes the key figures and the table's total as text, formatted by the
number formats the page cut from Babel's output: it never builds HTML from data (no
innerHTML, no eval).
"""

JS = r"""(function(){'use strict';
var D=__DATA__,doc=document,$=function(i){return doc.getElementById(i);};
var f={period:$('dd-period'),channel:$('dd-channel'),q:$('dd-q'),off:$('dd-off'),kpi:$('dd-kpi')};
var wrap=$('dd'),open={},zoom='',ready=false,written=null,each=Array.prototype.forEach;
function has(sel,v){return v!==null&&Array.prototype.some.call(sel.options,function(o){
return o.value===v;});}
function state(){return {period:f.period.value,channel:f.channel.value,
q:f.q.value.trim().toLowerCase(),off:f.off.checked,kpi:f.kpi.value};}
function fromHash(){var p=new URLSearchParams(location.hash.slice(1));
f.period.value=has(f.period,p.get('period'))?p.get('period'):D.period;
f.channel.value=has(f.channel,p.get('channel'))?p.get('channel'):'';
f.q.value=p.get('q')||'';f.off.checked=p.get('off')==='1';
f.kpi.value=has(f.kpi,p.get('kpi'))?p.get('kpi'):D.kpi;open={};zoom='';}
function toHash(s){var q=f.q.value.trim(),parts=[];
if(s.period!==D.period)parts.push('period='+encodeURIComponent(s.period));
if(s.channel)parts.push('channel='+encodeURIComponent(s.channel));
if(q)parts.push('q='+encodeURIComponent(q));if(s.off)parts.push('off=1');
if(s.kpi!==D.kpi)parts.push('kpi='+encodeURIComponent(s.kpi));
written=parts.length?'#'+parts.join('&'):'';if(written===location.hash)return;
try{history.replaceState(null,'',location.href.split('#')[0]+written);}
catch(e){location.hash=written;}}
var sel=null,F=D.fmt,T=D.texts,MISS=F.missing;
function fmt(v,u){var f=F[u],x,t,p,neg;if(v===null||v===undefined||!isFinite(v))return MISS;
x=Math.abs(v)*f[6];t=x.toFixed(f[1]);if(f[0]<f[1]&&t.indexOf('.')>=0){
t=t.replace(/0+$/,'');if(t.length-t.indexOf('.')-1<f[0])t=x.toFixed(f[0]);
t=t.replace(/\.$/,'');}neg=v<0&&parseFloat(t)!==0;p=t.split('.');
t=p[0].replace(/\B(?=(\d{3})+(?!\d))/g,F.group)+(p.length>1?F.decimal+p[1]:'');
return neg?f[4]+t+f[5]:f[2]+t+f[3];}
function fmtChange(v){return Math.round(v*1000)===0?fmt(0,'percent'):fmt(v,'change');}
function agg(ids,table){var out={};D.cols.forEach(function(c){out[c]=null;});
ids.forEach(function(id){var r=table&&table[id];if(!r)return;D.cols.forEach(function(c,i){
if(r[i]!==null)out[c]=(out[c]||0)+r[i];});});return out;}
function val(m,r){var d=D.metrics[m],n,den;if(!r)return null;if(!(('n:'+m) in r))return r[m];
n=r['n:'+m];den=r['d:'+m];if(n===null||den===null||den===0||(d[3]&&n===0))return null;
return n/den*d[2];}
function better(m,a,b){return D.metrics[m][1]>0?a>b:a<b;}
function pill(el,ch,good,title){if(ch===null){el.className='na';el.textContent=MISS;
el.removeAttribute('title');return;}var t=fmtChange(ch);
el.className='pill '+(good===null?'flat':good?'good':'bad');
el.textContent=(t===fmtChange(0)?'':ch>0?'\u25b2 ':'\u25bc ')+t;
if(title)el.title=title;else el.removeAttribute('title');}
function change(m,v,b){if(v===null||b===null||b===0)return [null,null];
return [v/b-1,D.metrics[m][1]===0||v===b?null:better(m,v,b)];}
function target(m,ids){var i=D.kpis.indexOf(m),t=null,first=true,ok=true;
ids.forEach(function(id){var x=D.targets[id]?D.targets[id][i]:null;
if(first){t=x;first=false;}else if(x!==t)ok=false;});return ok?t:null;}
function fill(s){var on=sel!==null,live=$('dd-live'),cap=$('dd-sel'),p=D.sums[s.period];
live.hidden=!on;cap.hidden=!on;
each.call(doc.querySelectorAll('.tiles.pv'),function(el){if(on)el.hidden=true;});
each.call(doc.querySelectorAll('tr.all'),function(el){el.hidden=on;});
each.call(doc.querySelectorAll('tr.live'),function(el){el.hidden=!on;});
if(!on||!p)return;var cur=agg(sel,p.cur),prev=p.prev?agg(sel,p.prev):null,what=[];
if(s.channel)what.push(s.channel);if(s.q)what.push(T.dd_quote.replace('{q}',f.q.value.trim()));
if(s.off)what.push(T.dd_off_target);cap.textContent=T.dd_selection.replace('{what}',
what.join(' \u00b7 '));
function cells(m,vEl,chEl,gapEl,tvEl){var v=val(m,cur),u=D.metrics[m][0],c,g;
vEl.textContent=fmt(v,u);if(chEl){c=change(m,v,prev?val(m,prev):null);pill(chEl,c[0],c[1]);}
if(gapEl&&D.kpis.indexOf(m)>=0){g=target(m,sel);
if(g===null||v===null||g===0)pill(gapEl,null,null);
else pill(gapEl,v/g-1,!better(m,g,v),T.target+' '+fmt(g,u));
if(tvEl){tvEl.parentNode.hidden=g===null;tvEl.textContent=fmt(g,u);}}}
each.call(live.querySelectorAll('.tile'),function(el){var m=el.getAttribute('data-m'),
ch=el.querySelector('[data-r=chg]');ch.hidden=!prev;el.querySelector('.np').hidden=!!prev;
cells(m,el.querySelector('.value'),prev?ch:null,el.querySelector('[data-r=gap]'),
el.querySelector('.tv'));});
var row=doc.querySelector('#dd-t-'+s.period+' tr.live');if(!row)return;
Object.keys(D.metrics).forEach(function(m){
var td=row.querySelector('td[data-m="'+m+'"]');td.textContent=fmt(val(m,cur),D.metrics[m][0]);});
D.kpis.forEach(function(m){cells(m,doc.createElement('i'),row.querySelector('[data-chg="'+m+'"]'),
row.querySelector('[data-tgt="'+m+'"]'),null);});}
function update(s){wrap.setAttribute('data-kpi',s.kpi);var hp=doc.querySelector('.site-period');
if(hp&&D.periods[s.period])hp.textContent=D.periods[s.period];
each.call(doc.querySelectorAll('.pv'),function(el){
el.hidden=el.getAttribute('data-period')!==s.period;});
var table=$('dd-t-'+s.period);if(!table)return;
var rows=Array.prototype.filter.call(table.tBodies[0].rows,function(r){
return r.hasAttribute('data-id');});
var filt=!!(s.q||s.off),match={},hit={},below={},vis={},opened={},n=0,i,r,id,p;
rows.forEach(function(r){var d=r.dataset;match[d.id]=(!s.q||(d.level!=='channel'&&
d.q.toLowerCase().indexOf(s.q)>=0))&&(!s.off||(' '+d.off+' ').indexOf(' '+s.kpi+' ')>=0);});
for(i=rows.length-1;i>=0;i--){id=rows[i].dataset.id;p=rows[i].dataset.parent;
if(match[id]||below[id]){hit[id]=true;if(p)below[p]=true;}}
rows.forEach(function(r){var d=r.dataset,top=d.level==='channel',b=r.querySelector('.tog');
var ok=(!s.channel||d.channel===s.channel)&&(top||(vis[d.parent]&&opened[d.parent]))&&
(!filt||hit[d.id]||open[d.parent]===true);
vis[d.id]=ok;opened[d.id]=d.id in open?open[d.id]:filt?!!below[d.id]:top&&!!s.channel;
r.hidden=!ok;if(ok)n++;if(b)b.setAttribute('aria-expanded',String(opened[d.id]));});
table.querySelector('tr.none').hidden=n>0;
var cover={};sel=filt?[]:s.channel?[]:null;rows.forEach(function(r){var d=r.dataset,
inside=!s.channel||d.channel===s.channel;if(filt){cover[d.id]=!!cover[d.parent]||
(inside&&match[d.id]);if(inside&&match[d.id]&&!cover[d.parent])sel.push(d.id);}
else if(s.channel&&d.level==='channel'&&inside)sel.push(d.id);});fill(s);}
function keepOf(m){if(sel===null)return null;var at={},pick={},up={},keep=[];
m.ids.forEach(function(id,i){at[id]=i;});sel.forEach(function(id){var p;pick[id]=true;
for(p=m.parents[at[id]];p;p=m.parents[at[p]])up[p]=true;});
m.ids.forEach(function(id,i){if(i>0&&!pick[id]&&pick[m.parents[i]])pick[id]=true;
if(i===0||pick[id]||up[id])keep.push(i);});return {keep:keep,pick:pick};}
function draw(s){var gd=$('dd-map'),m=D.map[s.period];if(!gd||!ready||!m)return;
var c=m.kpi[s.kpi],k=keepOf(m),level=zoom&&m.ids.indexOf(zoom)>=0?zoom:(m.chan[s.channel]||'');
function a(x){return k?k.keep.map(function(i){return x[i];}):x;}
var ids=a(m.ids);if(ids.indexOf(level)<0)level='';
var tr=Object.assign({},D.trace,{ids:ids,labels:a(m.labels),parents:a(m.parents),
values:k?k.keep.map(function(i){return k.pick[m.ids[i]]?m.values[i]:0;}):m.values,
customdata:a(m.custom),text:a(c.text),hovertext:a(c.hover),level:level,
marker:Object.assign({},D.trace.marker,{colors:a(c.colors)})});
Plotly.react(gd,[tr],D.layout,D.config);}
function on(el,type,fn){el.addEventListener(type,function(){fn();var s=state();update(s);
toHash(s);draw(s);});}
on(f.period,'change',function(){});on(f.kpi,'change',function(){});
on(f.channel,'change',function(){open={};zoom='';});
on(f.q,'input',function(){open={};});on(f.off,'change',function(){open={};});
wrap.addEventListener('click',function(e){var r=e.target.closest('tr[data-id]'),b;
if(!r||!(b=r.querySelector('.tog')))return;
open[r.dataset.id]=b.getAttribute('aria-expanded')!=='true';update(state());});
window.addEventListener('hashchange',function(){if(location.hash===written)return;
fromHash();var s=state();update(s);draw(s);});
function start(){var gd=$('dd-map'),s=state();ready=true;if(!gd)return;
gd.on('plotly_treemapclick',function(ev){var m=D.map[f.period.value],next=ev&&ev.nextLevel;
if(!m||next===undefined||!(next in m.owner))return;zoom=next===m.ids[0]?'':next;
if(f.channel.value!==m.owner[next]){f.channel.value=m.owner[next];open={};}
if(zoom)open[next]=true;var s=state();update(s);toHash(s);draw(s);return false;});
if(s.period!==D.period||s.kpi!==D.kpi||s.channel||s.q||s.off)draw(s);}
fromHash();update(state());
if(doc.body.hasAttribute('data-plots-ready'))start();
else{var mo=new MutationObserver(function(){if(doc.body.hasAttribute('data-plots-ready')){
mo.disconnect();start();}});mo.observe(doc.body,{attributes:true});}
})();"""
